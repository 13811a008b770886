package io.herald.gateway.http;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.TestServer;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route of docs/protocol.md's HTTP API against a real node, with real /ws clients to observe the
 * effects. One gateway event loop, so "no more messages" can be checked with a ping round trip.
 * Each test leaves the node without connections.
 */
class HttpApiTest {

  private static final int DEFAULT_LIMIT = 3;

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withSettings(Map.of(
      "gateway.instances", "1",
      "history.default_limit", Integer.toString(DEFAULT_LIMIT)));

  private final List<WsClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonObject info = nodeInfo();
      assertThat(info.getInteger("connections")).isZero();
      assertThat(info.getInteger("subscriptions")).isZero();
    });
  }

  // ---- POST /api/publish ----

  @Test
  void publishRepliesWithThePositionAndSubscribersReceiveTheMessage() {
    WsClient subscriber = connect();
    JsonObject subscribed = subscriber.subscribe(1, "pub:a");

    Response r = node.http().post("/api/publish", new JsonObject().put("channel", "pub:a").put("data", new JsonObject().put("text", "hi")));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().fieldNames()).containsExactlyInAnyOrder("channel", "epoch", "offset");
    assertThat(r.json().getString("channel")).isEqualTo("pub:a");
    assertThat(r.json().getString("epoch")).isEqualTo(subscribed.getString("epoch"));
    assertThat(r.json().getLong("offset")).isEqualTo(1);

    JsonObject message = subscriber.next("message");
    assertThat(message.getString("channel")).isEqualTo("pub:a");
    assertThat(message.getString("epoch")).isEqualTo(subscribed.getString("epoch"));
    assertThat(message.getLong("offset")).isEqualTo(1);
    assertThat(message.getJsonObject("data")).isEqualTo(new JsonObject().put("text", "hi"));

    assertThat(node.http().publish("pub:a", null).getLong("offset")).isEqualTo(2);
    JsonObject second = subscriber.next("message");
    assertThat(second.getLong("offset")).isEqualTo(2);
    assertThat(second.containsKey("data")).isTrue();
    assertThat(second.getValue("data")).isNull();
  }

  // ---- POST /api/publish with a batch ----

  @Test
  void aBatchIsAnsweredInBodyOrderAndEachChannelGetsItsMessagesInOrder() {
    WsClient a = connect("batch:a");
    WsClient b = connect("batch:b");
    node.http().publish("batch:a", "before");
    a.next("message");
    JsonArray messages = new JsonArray();
    for (int i = 0; i < 6; i++) {
      messages.add(new JsonObject().put("channel", i % 2 == 0 ? "batch:a" : "batch:b").put("data", i));
    }
    messages.add(1, new JsonObject().put("channel", "bad channel!").put("data", 1));
    messages.add(3, new JsonObject().put("channel", "batch:a"));

    Response r = node.http().post("/api/publish", new JsonObject().put("messages", messages));

    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.json().fieldNames()).containsExactly("results");
    JsonArray results = r.json().getJsonArray("results");
    assertThat(results).hasSize(8);
    // data 0..5 went to a, b, a, b, a, b; the invalid channel (1) and the missing data (3) are errors in place.
    assertPosition(results.getJsonObject(0), "batch:a", 2);
    assertThat(results.getJsonObject(1).getJsonObject("error").getString("code")).isEqualTo("invalid_channel");
    assertPosition(results.getJsonObject(2), "batch:b", 1);
    assertThat(results.getJsonObject(3).getJsonObject("error").getString("code")).isEqualTo("bad_request");
    assertThat(results.getJsonObject(3).fieldNames()).containsExactly("error");
    assertPosition(results.getJsonObject(4), "batch:a", 3);
    assertPosition(results.getJsonObject(5), "batch:b", 2);
    assertPosition(results.getJsonObject(6), "batch:a", 4);
    assertPosition(results.getJsonObject(7), "batch:b", 3);

    for (int i = 0; i < 3; i++) {
      JsonObject onA = a.next("message");
      assertThat(onA.getLong("offset")).isEqualTo(2 + i);
      assertThat(onA.getInteger("data")).isEqualTo(2 * i);
      JsonObject onB = b.next("message");
      assertThat(onB.getLong("offset")).isEqualTo(1 + i);
      assertThat(onB.getInteger("data")).isEqualTo(2 * i + 1);
    }
    assertThat(a.framesUntilPong(90)).as("nothing more on a").isEmpty();
    assertThat(b.framesUntilPong(91)).as("nothing more on b").isEmpty();
  }

  @Test
  void aBatchOfOneChannelHasConsecutiveOffsetsAmongConcurrentPublishes() {
    WsClient subscriber = connect("batch:busy");
    int batches = 20;
    int perBatch = 50;
    List<CompletableFuture<Response>> sent = new ArrayList<>();
    for (int k = 0; k < batches; k++) {
      JsonArray messages = new JsonArray();
      for (int i = 0; i < perBatch; i++) {
        messages.add(new JsonObject().put("channel", "batch:busy").put("data", new JsonObject().put("k", k).put("i", i)));
      }
      sent.add(node.http().postAsync("/api/publish", new JsonObject().put("messages", messages)));
    }
    List<Long> firstOffsets = new ArrayList<>();
    for (CompletableFuture<Response> f : sent) {
      JsonArray results = TestServer.await(f).json().getJsonArray("results");
      long first = results.getJsonObject(0).getLong("offset");
      for (int i = 0; i < perBatch; i++) {
        assertThat(results.getJsonObject(i).getLong("offset")).as("a batch's offsets are consecutive").isEqualTo(first + i);
      }
      firstOffsets.add(first);
    }
    assertThat(firstOffsets.stream().sorted().toList()).containsExactlyElementsOf(
        IntStream.range(0, batches).mapToObj(k -> 1L + (long) k * perBatch).toList());

    for (long offset = 1; offset <= (long) batches * perBatch; offset++) {
      JsonObject m = subscriber.next("message");
      assertThat(m.getLong("offset")).isEqualTo(offset);
      assertThat(m.getJsonObject("data").getInteger("i")).isEqualTo((int) ((offset - 1) % perBatch));
    }
  }

  // ---- POST /api/broadcast ----

  @Test
  void broadcastPublishesToEveryValidChannelAndReportsInvalidOnesPerEntry() {
    WsClient a = connect("bc:a");
    WsClient b = connect("bc:b");

    Response r = node.http().post("/api/broadcast", new JsonObject()
        .put("channels", new JsonArray().add("bc:a").add("bad channel!").add("bc:b"))
        .put("data", new JsonObject().put("x", 1)));

    assertThat(r.status()).isEqualTo(200);
    JsonArray results = r.json().getJsonArray("results");
    assertThat(results).hasSize(3);
    assertPosition(results.getJsonObject(0), "bc:a", 1);
    JsonObject failed = results.getJsonObject(1);
    assertThat(failed.fieldNames()).containsExactlyInAnyOrder("channel", "error");
    assertThat(failed.getString("channel")).isEqualTo("bad channel!");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("invalid_channel");
    assertThat(failed.getJsonObject("error").getString("message")).isNotBlank();
    assertPosition(results.getJsonObject(2), "bc:b", 1);

    assertThat(a.next("message").getJsonObject("data")).isEqualTo(new JsonObject().put("x", 1));
    assertThat(b.next("message").getJsonObject("data")).isEqualTo(new JsonObject().put("x", 1));
  }

  @Test
  void broadcastToNoChannelsHasNoResults() {
    Response r = node.http().post("/api/broadcast", new JsonObject().put("channels", new JsonArray()).put("data", 1));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(new JsonObject().put("results", new JsonArray()));
  }

  // ---- GET /api/channels ----

  @Test
  void channelsListsSubscribedChannelsWithTheirSubscriberCounts() {
    WsClient one = connect("lobby:x", "elsewhere:z");
    WsClient two = connect("lobby:x", "lobby:y");

    assertThat(channels("?prefix=lobby:")).containsExactlyInAnyOrder(channel("lobby:x", 2), channel("lobby:y", 1));
    assertThat(channels("")).containsExactlyInAnyOrder(channel("lobby:x", 2), channel("lobby:y", 1),
        channel("elsewhere:z", 1));
    assertThat(channels("?prefix=nothing")).isEmpty();

    unsubscribe(two, 3, "lobby:x");
    assertThat(channels("?prefix=lobby:")).containsExactlyInAnyOrder(channel("lobby:x", 1), channel("lobby:y", 1));
    unsubscribe(two, 4, "lobby:y");
    assertThat(channels("?prefix=lobby:")).containsExactly(channel("lobby:x", 1));
  }

  // ---- GET /api/channels/{channel}/history ----

  @Test
  void historyReturnsTheLatestMessagesByDefaultAndPagesWithSinceOffsetAndLimit() {
    String epoch = null;
    for (int i = 1; i <= 5; i++) {
      epoch = node.http().publish("hist:a", new JsonObject().put("n", i)).getString("epoch");
    }

    JsonObject latest = history("hist:a", "");
    assertThat(latest.getString("channel")).isEqualTo("hist:a");
    assertThat(latest.getString("epoch")).isEqualTo(epoch);
    assertThat(offsets(latest)).as("default limit, newest").containsExactly(3L, 4L, 5L);
    JsonObject m = latest.getJsonArray("messages").getJsonObject(0);
    assertThat(m.fieldNames()).containsExactlyInAnyOrder("channel", "epoch", "offset", "data", "ts");
    assertThat(m.getString("channel")).isEqualTo("hist:a");
    assertThat(m.getString("epoch")).isEqualTo(epoch);
    assertThat(m.getJsonObject("data")).isEqualTo(new JsonObject().put("n", 3));
    assertThat(m.getLong("ts")).isPositive();

    assertThat(offsets(history("hist:a", "?limit=2"))).containsExactly(4L, 5L);
    assertThat(offsets(history("hist:a", "?since_offset=1&epoch=" + epoch + "&limit=2"))).containsExactly(2L, 3L);
    assertThat(offsets(history("hist:a", "?since_offset=1&epoch=" + epoch))).containsExactly(2L, 3L, 4L);
    assertThat(offsets(history("hist:a", "?since_offset=0&epoch=" + epoch + "&limit=10"))).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(offsets(history("hist:a", "?since_offset=5&epoch=" + epoch))).isEmpty();
    assertThat(offsets(history("hist:a", "?since_offset=2"))).as("without epoch: no check").containsExactly(3L, 4L, 5L);
    assertThat(offsets(history("hist:a", "?limit=0"))).isEmpty();
  }

  @Test
  void historyFromAPositionHistoryCannotServeIsRecoveryFailed() {
    String epoch = node.http().publish("hist:b", 1).getString("epoch");
    node.http().publish("hist:b", 2);

    Response wrongEpoch = node.http().get("/api/channels/hist:b/history?since_offset=1&epoch=not" + epoch);
    Response beyondLatest = node.http().get("/api/channels/hist:b/history?since_offset=3&epoch=" + epoch);

    for (Response r : List.of(wrongEpoch, beyondLatest)) {
      assertThat(r.status()).isEqualTo(409);
      assertThat(r.errorCode()).isEqualTo("recovery_failed");
      assertThat(r.json().getJsonObject("error").getString("message")).isNotBlank();
    }
  }

  @Test
  void historyOfAChannelWithoutMessagesIsEmpty() {
    JsonObject page = history("hist:never", "");

    assertThat(page.getString("channel")).isEqualTo("hist:never");
    assertThat(page.getString("epoch")).isNotEmpty();
    assertThat(page.getJsonArray("messages")).isEmpty();
  }

  @Test
  void historyReturnsDataByteExactAsPublished() {
    // Spellings a re-encoder would change: whitespace, 1.10, 1E2, escapes, a character outside the BMP.
    String data = "{ \"text\" : \"héllo 世界 \u2028 🎉\",\"esc\":\"q\\\"b\\\\s\\u0001\\n\\ud83c\\udf89\", \"nested\":[1,-2.5,1.10,1E2,true,null,"
        + "{\"k\":[]}],\"big\":12345678901234567890,\"empty\":\"\"\n}";
    Response published = node.http().post("/api/publish", Buffer.buffer("{\"channel\":\"hist:exact\",\"data\":" + data + "}"), null);
    assertThat(published.status()).isEqualTo(200);

    Response r = node.http().get("/api/channels/hist:exact/history");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().toString()).contains("\"data\":" + data + ",\"ts\":");
    assertThat(r.json().getJsonArray("messages").getJsonObject(0).getJsonObject("data")).isEqualTo(new JsonObject(data));
  }

  // ---- GET /api/channels/{channel}/presence ----

  @Test
  void presenceListsTheSubscribedClients() {
    WsClient client = connect("pres:a");

    Response r = node.http().get("/api/channels/pres:a/presence");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("channel")).isEqualTo("pres:a");
    JsonArray present = r.json().getJsonArray("clients");
    assertThat(present).hasSize(1);
    JsonObject entry = present.getJsonObject(0);
    assertThat(entry.getString("client")).isEqualTo(client.connected().getString("client"));
    assertThat(entry.getString("node")).isEqualTo(client.connected().getString("node")).isEqualTo(node.nodeId());
    assertThat(entry.containsKey("user")).isTrue();
    assertThat(entry.getValue("user")).as("anonymous").isNull();

    unsubscribe(client, 2, "pres:a");
    assertThat(node.http().get("/api/channels/pres:a/presence").json().getJsonArray("clients")).isEmpty();
  }

  // ---- POST /api/disconnect ----

  @Test
  void disconnectClosesTheClientWith4012() {
    WsClient client = connect("disc:a");
    WsClient bystander = connect();

    Response r = node.http().post("/api/disconnect", new JsonObject().put("client", client.connected().getString("client")));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(new JsonObject().put("disconnected", 1));
    assertThat(client.awaitClose()).isEqualTo((short) 4012);
    assertThat(node.http().get("/api/channels/disc:a/presence").json().getJsonArray("clients")).isEmpty();
    assertThat(bystander.request(ping(1)).getString("type")).isEqualTo("pong");
    assertThat(bystander.isClosed()).isFalse();
  }

  @Test
  void disconnectOfAnUnknownClientOrUserDisconnectsNobody() {
    WsClient bystander = connect();

    assertThat(node.http().post("/api/disconnect", new JsonObject().put("client", "no-such-client")).json())
        .isEqualTo(new JsonObject().put("disconnected", 0));
    assertThat(node.http().post("/api/disconnect", new JsonObject().put("user", "no-such-user")).json())
        .isEqualTo(new JsonObject().put("disconnected", 0));
    assertThat(bystander.request(ping(1)).getString("type")).isEqualTo("pong");
  }

  // ---- POST /api/unsubscribe ----

  @Test
  void unsubscribeEndsTheSubscriptionWithAPushAndNoMoreMessages() {
    WsClient client = connect("unsub:a", "unsub:other");
    WsClient witness = connect("unsub:a");
    String id = client.connected().getString("client");

    Response r = node.http().post("/api/unsubscribe", new JsonObject().put("channel", "unsub:a").put("client", id));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(new JsonObject().put("unsubscribed", 1));
    JsonObject pushed = client.next("unsubscribed");
    assertThat(pushed.getString("channel")).isEqualTo("unsub:a");
    assertThat(pushed.getString("reason")).isNotBlank();
    assertThat(pushed.containsKey("id")).as("a push carries no id").isFalse();

    node.http().publish("unsub:a", "after");
    assertThat(witness.next("message").getString("data")).isEqualTo("after");
    // Same event loop: had the message been written to the client, it would precede the pong.
    assertThat(client.request(ping(3)).getString("type")).isEqualTo("pong");

    node.http().publish("unsub:other", "still");
    assertThat(client.next("message").getString("channel")).isEqualTo("unsub:other");
    assertThat(node.http().post("/api/unsubscribe", new JsonObject().put("channel", "unsub:a").put("client", id)).json())
        .as("no longer subscribed").isEqualTo(new JsonObject().put("unsubscribed", 0));
    assertThat(node.http().post("/api/unsubscribe", new JsonObject().put("channel", "unsub:a").put("client", "nobody")).json())
        .isEqualTo(new JsonObject().put("unsubscribed", 0));
  }

  // ---- GET /api/info ----

  @Test
  void infoDescribesThisNodeWithItsConnectionAndSubscriptionCounts() {
    WsClient a = connect("info:a", "info:b");
    WsClient b = connect("info:a");

    Response r = node.http().get("/api/info");

    assertThat(r.status()).isEqualTo(200);
    JsonArray nodes = r.json().getJsonArray("nodes");
    assertThat(nodes).hasSize(1);
    JsonObject info = nodes.getJsonObject(0);
    assertThat(info.fieldNames()).contains("id", "address", "connections", "subscriptions", "uptime_s");
    assertThat(info.getString("id")).isEqualTo(a.connected().getString("node"));
    assertThat(info.getString("address")).isEqualTo("127.0.0.1:" + node.port());
    assertThat(info.getInteger("connections")).isEqualTo(2);
    assertThat(info.getInteger("subscriptions")).isEqualTo(3);
    assertThat(info.getLong("uptime_s")).isNotNegative();

    unsubscribe(a, 3, "info:b");
    assertThat(nodeInfo().getInteger("subscriptions")).isEqualTo(2);
    b.close();
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(nodeInfo().getInteger("connections")).isEqualTo(1);
      assertThat(nodeInfo().getInteger("subscriptions")).isEqualTo(1);
    });
  }

  @Test
  void infoCountsConnectionsOpenedAndMessagesPublishedAndDeliveredSinceTheStart() {
    JsonObject before = nodeInfo();
    assertThat(before.fieldNames()).contains("connections_opened", "messages_published", "messages_delivered");

    WsClient a = connect("info:counts");
    node.http().publish("info:counts", new JsonObject().put("n", 1));
    a.next("message");

    // At least: the tests of this class share the node.
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonObject after = nodeInfo();
      assertThat(after.getLong("connections_opened")).isGreaterThanOrEqualTo(before.getLong("connections_opened") + 1);
      assertThat(after.getLong("messages_published")).isGreaterThanOrEqualTo(before.getLong("messages_published") + 1);
      assertThat(after.getLong("messages_delivered")).isGreaterThanOrEqualTo(before.getLong("messages_delivered") + 1);
    });
  }

  // ---- helpers ----

  /** A new client, closed after the test, subscribed to {@code channels} with request ids 1, 2, ... */
  private WsClient connect(String... channels) {
    WsClient client = node.connect();
    clients.add(client);
    for (int i = 0; i < channels.length; i++) {
      client.subscribe(i + 1, channels[i]);
    }
    return client;
  }

  private static JsonObject ping(int id) {
    return new JsonObject().put("type", "ping").put("id", id);
  }

  private static void unsubscribe(WsClient client, int id, String channel) {
    JsonObject reply = client.request(new JsonObject().put("type", "unsubscribe").put("id", id).put("channel", channel));
    assertThat(reply.getString("type")).isEqualTo("unsubscribed");
  }

  private static JsonObject nodeInfo() {
    return node.http().get("/api/info").json().getJsonArray("nodes").getJsonObject(0);
  }

  private static void assertPosition(JsonObject result, String channel, long offset) {
    assertThat(result.fieldNames()).containsExactlyInAnyOrder("channel", "epoch", "offset");
    assertThat(result.getString("channel")).isEqualTo(channel);
    assertThat(result.getString("epoch")).isNotEmpty();
    assertThat(result.getLong("offset")).isEqualTo(offset);
  }

  private static List<JsonObject> channels(String query) {
    Response r = node.http().get("/api/channels" + query);
    assertThat(r.status()).isEqualTo(200);
    JsonArray list = r.json().getJsonArray("channels");
    return IntStream.range(0, list.size()).mapToObj(list::getJsonObject).toList();
  }

  private static JsonObject channel(String name, int subscribers) {
    return new JsonObject().put("name", name).put("subscribers", subscribers);
  }

  private static JsonObject history(String channel, String query) {
    Response r = node.http().get("/api/channels/" + channel + "/history" + query);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.json();
  }

  private static List<Long> offsets(JsonObject page) {
    JsonArray messages = page.getJsonArray("messages");
    return IntStream.range(0, messages.size()).mapToObj(i -> messages.getJsonObject(i).getLong("offset")).toList();
  }
}
