package io.herald.node.auth;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.node.testing.LogCapture;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * HTTP API keys: {@code api.key} and the {@code api.keys} list are all accepted, a key file rotates keys
 * without a restart, and with {@code admin.port} /api/* and /metrics move to that port (404 on the public one).
 */
class ApiKeysTest {

  @RegisterExtension
  final NodeExtension node = NodeExtension.startedByEachTest();

  @TempDir
  Path dir;

  private int status(int port, String path, String key) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path);
    if (key != null) {
      options.putHeader("Authorization", "Bearer " + key);
    }
    HttpClient client = node.vertx().createHttpClient();
    Promise<Integer> status = Promise.promise();
    node.vertx().getOrCreateContext().runOnContext(v -> client.request(options)
        .compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode())).onComplete(status));
    try {
      return status.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      client.close();
    }
  }

  private int apiStatus(String key) {
    return status(node.port(), "/api/info", key);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "legacy-key, 200",
      "key-one,    200",
      "key-two,    200",
      "key-on,     401",
      "'',         401",
      "other,      401",
  })
  void everyConfiguredKeyIsAccepted(String key, int expected) {
    node.start(Map.of("api.key", "legacy-key", "api.keys", "key-one, key-two"));
    assertThat(apiStatus(key.isEmpty() ? null : key)).isEqualTo(expected);
  }

  @Test
  void aKeyFileRotatesKeysWithoutARestart() throws IOException {
    Path file = dir.resolve("api-keys");
    Files.writeString(file, "# backend keys\nold-key\n");
    node.start(Map.of("api.keys_file", file.toString(), "api.keys_reload_ms", "50"));
    assertThat(apiStatus("old-key")).isEqualTo(200);
    assertThat(apiStatus("new-key")).isEqualTo(401);

    Files.writeString(file, "old-key\nnew-key\n"); // step 1: add the new key
    await().atMost(Duration.ofSeconds(10)).until(() -> apiStatus("new-key") == 200);
    assertThat(apiStatus("old-key")).isEqualTo(200);

    Files.writeString(file, "new-key\n"); // step 2: drop the old one
    await().atMost(Duration.ofSeconds(10)).until(() -> apiStatus("old-key") == 401);
    assertThat(apiStatus("new-key")).isEqualTo(200);
  }

  @Test
  void anEmptyKeyFileLocksTheApi() throws IOException {
    Path file = Files.writeString(dir.resolve("empty"), "");
    node.start(Map.of("api.keys_file", file.toString()));
    assertThat(apiStatus(null)).isEqualTo(401);
    assertThat(apiStatus("anything")).isEqualTo(401);
  }

  /** A key file the node cannot read at start: it refuses to start (never "no keys, open API"). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"missing", "a directory"})
  void anUnreadableKeyFileStopsTheNodeAtStart(String kind) throws IOException {
    Path file = kind.equals("missing") ? dir.resolve("no-such-file") : Files.createDirectory(dir.resolve("keys.d"));
    assertThatThrownBy(() -> node.start(Map.of("api.keys_file", file.toString())))
        .rootCause().hasMessageContaining("api.keys_file").hasMessageContaining(file.toString());
  }

  /** A key file that disappears (or turns unreadable) later keeps the keys last read: the API stays locked. */
  @Test
  void aKeyFileThatDisappearsKeepsTheLastKeys() throws IOException {
    Path file = Files.writeString(dir.resolve("api-keys"), "kept-key\n");
    node.start(Map.of("api.keys_file", file.toString(), "api.keys_reload_ms", "50"));
    assertThat(apiStatus("kept-key")).isEqualTo(200);

    try (LogCapture log = new LogCapture()) {
      Files.delete(file);
      // A reload finds no file (it says so, once): the keys stay, nothing else gets in.
      await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines("api.keys_file: cannot read").isEmpty());
    }
    assertThat(apiStatus("kept-key")).isEqualTo(200);
    assertThat(apiStatus(null)).isEqualTo(401);
    assertThat(apiStatus("other")).isEqualTo(401);

    Files.writeString(file, "next-key\n"); // back: read again
    await().atMost(Duration.ofSeconds(10)).until(() -> apiStatus("next-key") == 200);
    assertThat(apiStatus("kept-key")).isEqualTo(401);
  }

  @Test
  void withAnAdminPortTheApiAndMetricsLeaveThePublicPort() throws IOException {
    int admin;
    try (ServerSocket free = new ServerSocket(0)) {
      admin = free.getLocalPort();
    }
    node.start(Map.of("admin.port", Integer.toString(admin), "api.key", "k"));
    assertThat(status(node.port(), "/api/info", "k")).isEqualTo(404);
    assertThat(status(node.port(), "/metrics", null)).isEqualTo(404);
    assertThat(status(node.port(), "/health/ready", null)).as("health stays public").isEqualTo(200);

    assertThat(status(admin, "/api/info", "k")).isEqualTo(200);
    assertThat(status(admin, "/api/info", null)).as("the admin port still needs the key").isEqualTo(401);
    assertThat(status(admin, "/metrics", null)).isEqualTo(200);
    Response publish = node.http().request(HttpMethod.POST, "/api/publish", Buffer.buffer("{\"channel\":\"a\",\"data\":1}"), "k");
    assertThat(publish.status()).isEqualTo(404);
  }

  @Test
  void withoutAnAdminPortEverythingStaysOnThePublicPort() {
    node.start(Map.of());
    assertThat(status(node.port(), "/api/info", null)).isEqualTo(200);
    assertThat(status(node.port(), "/metrics", null)).isEqualTo(200);
  }
}
