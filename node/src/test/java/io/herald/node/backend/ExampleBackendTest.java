package io.herald.node.backend;

import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.herald.node.testing.RequiredTools;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example backend of {@code examples/backend} (Node.js, as a user would run it) behind a real node, configured
 * as its README says: its connect hook names users from their session header and subscribes them to
 * {@code notices}, its subscribe and publish hooks guard and stamp the chat, and its webhook receiver, which checks
 * every batch's signature, sees the rooms occupied and vacated.
 */
class ExampleBackendTest {

  private static final String SECRET = "example-webhook-secret";
  private static Process backend;
  private static int backendPort;

  @RegisterExtension
  final NodeExtension node = NodeExtension.startedByEachTest().namespaces(new JsonObject()
      .put("chat", new JsonObject().put("proxy_subscribe", true).put("proxy_publish", true))
      .put("inbox", new JsonObject().put("proxy_subscribe", true)));

  private final List<WsClient> clients = new ArrayList<>();
  private HttpApiClient backendApi;

  @BeforeAll
  static void startBackend() throws IOException {
    RequiredTools.assume(RequiredTools.Tool.NODE, "ExampleBackendTest (the example backend is a Node.js program)");
    Path server = Path.of("..", "examples", "backend", "server.mjs").toAbsolutePath().normalize();
    ProcessBuilder builder = new ProcessBuilder("node", server.toString(), "0").redirectErrorStream(true);
    builder.environment().put("HERALD_WEBHOOK_SECRET", SECRET);
    try {
      backend = builder.start();
    } catch (IOException e) {
      throw new AssertionError("cannot run node: Node.js must be on the PATH (.ci/run installs it)", e);
    }
    BufferedReader out = new BufferedReader(new InputStreamReader(backend.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine(); // blocks until the backend listens (or exits: null)
    Matcher port = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)").matcher(String.valueOf(line));
    assertThat(port.find()).as("the backend's first line: %s", line).isTrue();
    backendPort = Integer.parseInt(port.group(1));
    Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "example-backend-output");
    drain.setDaemon(true);
    drain.start();
  }

  @AfterAll
  static void stopBackend() throws InterruptedException {
    if (backend != null) {
      backend.destroy();
      backend.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @BeforeEach
  void startNode() {
    String hooks = "http://127.0.0.1:" + backendPort + "/herald/";
    node.start(Map.of("proxy.connect_url", hooks + "connect", "proxy.subscribe_url", hooks + "subscribe",
        "proxy.publish_url", hooks + "publish", "webhooks.url", hooks + "events", "webhooks.secret", SECRET,
        "webhooks.batch_ms", "20"));
    backendApi = new HttpApiClient(node.vertx(), backendPort);
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
  }

  @Test
  void theBackendNamesTheUserSubscribesGuardsAndStampsTheChat() {
    WsClient alice = connectAs("s-alice");
    JsonObject connected = alice.request(new JsonObject().put("type", "connect").put("id", 1));
    assertThat(connected.getString("type")).isEqualTo("connected");
    assertThat(connected.getString("user")).isEqualTo("alice");
    assertThat(alice.next("subscribed").getString("channel")).as("the connect hook's subs").isEqualTo("notices");

    assertThat(alice.request(subscribe(2, "chat:lobby")).getString("type")).isEqualTo("subscribed");
    JsonObject present = node.http().get("/api/channels/chat:lobby/presence").json().getJsonArray("clients").getJsonObject(0);
    assertThat(present.getString("user")).isEqualTo("alice");
    assertThat(present.getJsonObject("info")).as("the connect hook's info").isEqualTo(new JsonObject().put("name", "Alice"));
    JsonObject refused = alice.request(subscribe(3, "inbox:bob"));
    assertThat(refused.getString("code")).isEqualTo("permission_denied");
    assertThat(refused.getString("message")).isEqualTo("inbox:bob is not yours");

    alice.send(publish(4, "chat:lobby", new JsonObject().put("text", "hi")));
    List<JsonObject> frames = List.of(alice.next(), alice.next()); // the message and the publish's answer, in either order
    assertThat(frames).extracting(f -> f.getString("type")).containsExactlyInAnyOrder("published", "message");
    assertThat(frames).filteredOn(f -> "message".equals(f.getString("type"))).singleElement()
        .satisfies(m -> assertThat(m.getJsonObject("data")).isEqualTo(new JsonObject().put("text", "hi").put("from", "alice")));
    JsonObject tooLong = alice.request(publish(5, "chat:lobby", new JsonObject().put("text", "x".repeat(201))));
    assertThat(tooLong.getString("code")).isEqualTo("bad_request");
  }

  @Test
  void unknownSessionsAreRefusedAndBannedOnesDisconnected() {
    WsClient stranger = connectAs("s-nobody");
    stranger.send(new JsonObject().put("type", "connect").put("id", 1));
    assertThat(stranger.awaitClose()).isEqualTo((short) 4001);

    WsClient mallory = connectAs("s-mallory");
    mallory.send(new JsonObject().put("type", "connect").put("id", 1));
    assertThat(mallory.awaitClose()).isEqualTo((short) 4403);
  }

  @Test
  void theWebhookReceiverSeesRoomsOccupiedAndVacatedWithValidSignatures() {
    WsClient bob = connectAs("s-bob");
    bob.request(new JsonObject().put("type", "connect").put("id", 1));
    bob.next("subscribed"); // notices, from the connect hook
    bob.request(subscribe(2, "chat:garden"));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> occupied().contains("chat:garden"));

    bob.request(new JsonObject().put("type", "unsubscribe").put("id", 3).put("channel", "chat:garden"));

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !occupied().contains("chat:garden"));
    assertThat(backendApi.get("/rooms").json().getInteger("rejected_batches")).as("every batch was signed").isZero();
  }

  private List<Object> occupied() {
    JsonArray rooms = backendApi.get("/rooms").json().getJsonArray("occupied");
    return rooms.stream().toList();
  }

  private WsClient connectAs(String session) {
    WsClient client = WsClient.open(node.vertx(), new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
        .setURI("/ws").addHeader("Authorization", "Bearer " + session));
    clients.add(client);
    return client;
  }

  private static JsonObject subscribe(int id, String channel) {
    return new JsonObject().put("type", "subscribe").put("id", id).put("channel", channel);
  }

  private static JsonObject publish(int id, String channel, JsonObject data) {
    return new JsonObject().put("type", "publish").put("id", id).put("channel", channel).put("data", data);
  }
}
