package io.herald.node.auth;

import io.herald.node.testing.LogCapture;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Refused tokens and API keys are logged on io.herald.auth through the limit log's budget (5 lines a
 * second after a burst of 20, per node) and cleaning: a flood of bad credentials, on any protocol, writes
 * a bounded number of lines, the next line says how many were left out, and client-chosen header values
 * are cut and stripped of control and non-ASCII characters.
 */
class AuthLogTest {

  private static final String SECRET = "auth-log-secret-0123456789abcdef-xyz";
  private static final int FLOOD = 150;

  @RegisterExtension
  final NodeExtension node = NodeExtension.withSettings(Map.of("api.key", "the-key", "auth.hmac_secret", SECRET));

  /** One refused credential over {@code protocol}. */
  private void refuse(String protocol) {
    switch (protocol) {
      case "http" -> assertThat(node.http().request(HttpMethod.GET, "/api/info", null, "wrong-key").status()).isEqualTo(401);
      case "ws" -> assertThat(AuthWsClient.refusedOnUpgrade(node.port(), "not.a-jwt").code()).isEqualTo((short) 4001);
      case "graphql-http" -> assertThat(node.http().request(HttpMethod.POST, "/graphql",
          Buffer.buffer(new JsonObject().put("query", "{ channels { name } }").encode()), "not.a-jwt").status()).isEqualTo(401);
      default -> throw new IllegalArgumentException(protocol);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"http", "ws", "graphql-http"})
  void aFloodOfBadCredentialsLogsABoundedNumberOfLines(String protocol) {
    try (LogCapture log = new LogCapture()) {
      long start = System.nanoTime();
      for (int i = 0; i < FLOOD; i++) {
        refuse(protocol);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<String> lines = log.lines("auth failure protocol=" + protocol + " ");
      assertThat(lines).as("logged within the budget of %.1f s", seconds).isNotEmpty()
          .hasSizeLessThanOrEqualTo(20 + (int) Math.ceil(5 * seconds) + 1);
      assertThat(String.join("\n", lines)).doesNotContain("wrong-key", "not.a-jwt");

      // Once the budget refills, the next line says how many were left out.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
        refuse(protocol);
        return !log.lines(" earlier_not_logged=").isEmpty();
      });
    }
  }

  @Test
  void headerValuesAreCutAndCleaned() throws IOException {
    String origin = "https://evil.example/\u00e9" + "x".repeat(300);
    try (LogCapture log = new LogCapture(); Socket socket = new Socket("127.0.0.1", node.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/info HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer wrong-key\r\nOrigin: " + origin
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 401");
      await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines("auth failure protocol=http").isEmpty());
      String line = log.lines("auth failure protocol=http").get(0);
      assertThat(line).contains("origin=https://evil.example/??xxx").contains("x...").doesNotContain("\u00e9")
          .contains("reason=\"wrong API key\"");
      assertThat(line.length()).isLessThan(400);
    }
  }
}
