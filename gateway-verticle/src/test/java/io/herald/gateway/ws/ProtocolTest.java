package io.herald.gateway.ws;

import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every client request of the /ws protocol (docs/protocol.md) and the shape of its reply, {@code id} echoed. */
class ProtocolTest {

  /** Small, so "the latest N by default" is visible with a handful of messages. */
  private static final int DEFAULT_HISTORY_LIMIT = 3;

  @RegisterExtension
  static final TestGatewayExtension node =
      TestGatewayExtension.withSettings(Map.of("history.default_limit", Integer.toString(DEFAULT_HISTORY_LIMIT)));
  private static final AtomicInteger channels = new AtomicInteger();

  private static String freshChannel(String prefix) {
    return prefix + "-" + channels.incrementAndGet();
  }

  private static JsonObject request(String type, int id) {
    return new JsonObject().put("type", type).put("id", id);
  }

  @Test
  void connectedIsPushedOnOpenAndAnswersConnect() {
    try (WsClient client = node.connect()) {
      JsonObject pushed = client.connected();
      assertThat(pushed.getString("client")).isNotEmpty();
      assertThat(pushed.getString("node")).isEqualTo(node.nodeId());
      assertThat(pushed.getLong("ping_interval_ms")).isEqualTo(25_000L);
      assertThat(pushed.containsKey("id")).as("a push carries no id").isFalse();

      JsonObject reply = client.request(request("connect", 11));
      assertThat(reply.getString("type")).isEqualTo("connected");
      assertThat(reply.getInteger("id")).isEqualTo(11);
      assertThat(reply.getString("client")).isEqualTo(pushed.getString("client"));
      assertThat(reply.getString("node")).isEqualTo(pushed.getString("node"));
      assertThat(reply.getLong("ping_interval_ms")).isEqualTo(25_000L);
    }
  }

  @Test
  void subscribedCarriesChannelEpochAndLatestOffset() {
    String empty = freshChannel("sub-empty");
    String used = freshChannel("sub-used");
    JsonObject first = node.http().publish(used, 1);
    JsonObject second = node.http().publish(used, 2);
    try (WsClient client = node.connect()) {
      JsonObject fresh = client.subscribe(21, empty);
      assertThat(fresh.getString("type")).isEqualTo("subscribed");
      assertThat(fresh.getInteger("id")).isEqualTo(21);
      assertThat(fresh.getString("channel")).isEqualTo(empty);
      assertThat(fresh.getString("epoch")).isNotEmpty();
      assertThat(fresh.getLong("offset")).as("no message yet").isZero();
      assertThat(fresh.containsKey("recovered")).as("no since, no recovered").isFalse();

      JsonObject existing = client.subscribe(22, used);
      assertThat(existing.getString("type")).isEqualTo("subscribed");
      assertThat(existing.getInteger("id")).isEqualTo(22);
      assertThat(existing.getString("channel")).isEqualTo(used);
      assertThat(existing.getString("epoch")).isEqualTo(second.getString("epoch")).isEqualTo(first.getString("epoch"));
      assertThat(existing.getLong("offset")).isEqualTo(2);
      assertThat(existing.containsKey("recovered")).isFalse();
    }
  }

  @Test
  void unsubscribeIsConfirmed() {
    String channel = freshChannel("unsub");
    try (WsClient client = node.connect()) {
      client.subscribe(31, channel);
      JsonObject reply = client.request(request("unsubscribe", 32).put("channel", channel));
      assertThat(reply.getString("type")).isEqualTo("unsubscribed");
      assertThat(reply.getInteger("id")).isEqualTo(32);
      assertThat(reply.getString("channel")).isEqualTo(channel);
      assertThat(reply.containsKey("reason")).as("only server-ended subscriptions carry a reason").isFalse();
    }
  }

  /** {@code data} of several JSON types, written exactly as a client would put it in the frame. */
  static Stream<Arguments> payloads() {
    return Stream.of(
        Arguments.of("object", "{\"a\":1,\"b\":[true,false],\"c\":{\"d\":\"e\"}}"),
        Arguments.of("empty object", "{}"),
        Arguments.of("array", "[1,\"two\",3.5,null,{\"x\":[]}]"),
        Arguments.of("empty array", "[]"),
        Arguments.of("string", "\"just a string\""),
        Arguments.of("empty string", "\"\""),
        Arguments.of("integer", "42"),
        Arguments.of("negative decimal", "-3.25"),
        Arguments.of("beyond double precision", "9007199254740993"),
        Arguments.of("true", "true"),
        Arguments.of("null", "null"),
        Arguments.of("nested unicode", "{\"ünïcødé\":{\"emoji\":\"😀🎉\",\"cjk\":[\"日本語\",\"中文\"],\"rtl\":\"שלום\","
            + "\"escapes\":\"q\\\" b\\\\ n\\n t\\t nul\\u0000 \\u2028\"}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("payloads")
  void publishIsConfirmedAndDeliveredUnchanged(String kind, String dataJson) {
    String channel = freshChannel("pub");
    try (WsClient subscriber = node.connect(); WsClient publisher = node.connect()) {
      subscriber.subscribe(41, channel);

      publisher.sendText("{\"type\":\"publish\",\"id\":42,\"channel\":\"" + channel + "\",\"data\":" + dataJson + "}");
      JsonObject published = publisher.next("published");
      assertThat(published.getInteger("id")).isEqualTo(42);
      assertThat(published.getString("channel")).isEqualTo(channel);
      assertThat(published.getString("epoch")).isNotEmpty();
      assertThat(published.getLong("offset")).isEqualTo(1);

      JsonObject message = subscriber.next("message");
      assertThat(message.containsKey("id")).isFalse();
      assertThat(message.getString("channel")).isEqualTo(channel);
      assertThat(message.getString("epoch")).isEqualTo(published.getString("epoch"));
      assertThat(message.getLong("offset")).isEqualTo(1);
      assertThat(message.containsKey("data")).isTrue();
      assertThat(message.getValue("data")).isEqualTo(Json.decodeValue(dataJson));
      assertThat(message.getValue("ts")).isInstanceOf(Number.class);
      assertThat(message.getLong("ts")).isPositive();
    }
  }

  static Stream<Arguments> historyQueries() {
    // Five messages are published; history.default_limit is 3.
    return Stream.of(
        Arguments.of("default: the latest N", null, null, List.of(3L, 4L, 5L)),
        Arguments.of("limit", null, 2, List.of(4L, 5L)),
        Arguments.of("limit above the count", null, 10, List.of(1L, 2L, 3L, 4L, 5L)),
        Arguments.of("since: the messages after it", 3L, null, List.of(4L, 5L)),
        Arguments.of("since with the default limit", 1L, null, List.of(2L, 3L, 4L)),
        Arguments.of("since and limit", 0L, 2, List.of(1L, 2L)),
        Arguments.of("since the latest", 5L, null, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("historyQueries")
  void historyReturnsStoredMessages(String name, Long sinceOffset, Integer limit, List<Long> expectedOffsets) {
    String channel = freshChannel("hist");
    try (WsClient client = node.connect()) {
      String epoch = null;
      for (int n = 1; n <= 5; n++) {
        JsonObject published = client.request(request("publish", 100 + n).put("channel", channel)
            .put("data", new JsonObject().put("n", n)));
        assertThat(published.getLong("offset")).isEqualTo(n);
        epoch = published.getString("epoch");
      }
      JsonObject query = request("history", 51).put("channel", channel);
      if (sinceOffset != null) {
        query.put("since", new JsonObject().put("epoch", epoch).put("offset", sinceOffset));
      }
      if (limit != null) {
        query.put("limit", limit);
      }
      JsonObject reply = client.request(query);
      assertThat(reply.getString("type")).isEqualTo("history");
      assertThat(reply.getInteger("id")).isEqualTo(51);
      assertThat(reply.getString("channel")).isEqualTo(channel);
      assertThat(reply.getString("epoch")).isEqualTo(epoch);
      JsonArray messages = reply.getJsonArray("messages");
      assertThat(messages.stream().map(m -> ((JsonObject) m).getLong("offset")).toList()).isEqualTo(expectedOffsets);
      for (Object m : messages) {
        JsonObject message = (JsonObject) m;
        assertThat(message.getString("channel")).isEqualTo(channel);
        assertThat(message.getString("epoch")).isEqualTo(epoch);
        assertThat(message.getJsonObject("data")).isEqualTo(new JsonObject().put("n", message.getLong("offset").intValue()));
        assertThat(message.getLong("ts")).isPositive();
      }
    }
  }

  @Test
  void historyOfAnUnusedChannelIsEmpty() {
    String channel = freshChannel("hist-none");
    try (WsClient client = node.connect()) {
      JsonObject reply = client.request(request("history", 52).put("channel", channel));
      assertThat(reply.getString("type")).isEqualTo("history");
      assertThat(reply.getString("channel")).isEqualTo(channel);
      assertThat(reply.getString("epoch")).isNotEmpty();
      assertThat(reply.getJsonArray("messages")).isEmpty();
    }
  }

  @Test
  void presenceListsSubscribedClients() {
    String channel = freshChannel("presence");
    try (WsClient member = node.connect(); WsClient observer = node.connect()) {
      member.subscribe(61, channel);

      JsonObject reply = observer.request(request("presence", 62).put("channel", channel));
      assertThat(reply.getString("type")).isEqualTo("presence");
      assertThat(reply.getInteger("id")).isEqualTo(62);
      assertThat(reply.getString("channel")).isEqualTo(channel);
      JsonArray clients = reply.getJsonArray("clients");
      assertThat(clients).hasSize(1);
      JsonObject entry = clients.getJsonObject(0);
      assertThat(entry.getString("client")).isEqualTo(member.clientId());
      assertThat(entry.getString("node")).isEqualTo(member.connected().getString("node"));
      assertThat(entry.containsKey("user")).isTrue();
      assertThat(entry.getValue("user")).as("no authentication, no user").isNull();

      member.request(request("unsubscribe", 63).put("channel", channel));
      JsonObject after = observer.request(request("presence", 64).put("channel", channel));
      assertThat(after.getJsonArray("clients")).isEmpty();
    }
  }

  @Test
  void pingIsAnsweredWithPong() {
    try (WsClient client = node.connect()) {
      JsonObject pong = client.request(request("ping", 71));
      assertThat(pong.getString("type")).isEqualTo("pong");
      assertThat(pong.getInteger("id")).isEqualTo(71);

      client.send(new JsonObject().put("type", "ping"));
      JsonObject withoutId = client.next("pong");
      assertThat(withoutId.containsKey("id")).isFalse();
    }
  }

  @Test
  void unsubscribedChannelNoLongerDelivers() {
    String left = freshChannel("left");
    String kept = freshChannel("kept");
    try (WsClient client = node.connect()) {
      client.subscribe(81, left);
      client.subscribe(82, kept);
      client.request(request("unsubscribe", 83).put("channel", left));

      node.http().publish(left, "not for me");
      node.http().publish(kept, "for me");

      JsonObject next = client.next("message");
      assertThat(next.getString("channel")).isEqualTo(kept);
      assertThat(next.getString("data")).isEqualTo("for me");
      assertThat(client.framesUntilPong(84)).isEmpty();
    }
  }

  @Test
  void webSocketPingFrameIsAnsweredWithPongFrame() throws Exception {
    try (WsClient client = node.connect()) {
      CompletableFuture<Buffer> pong = new CompletableFuture<>();
      client.socket().pongHandler(pong::complete);
      client.socket().writePing(Buffer.buffer("are you there")).toCompletionStage().toCompletableFuture()
          .get(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
      assertThat(pong.get(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS).toString()).isEqualTo("are you there");
      assertThat(client.framesUntilPong(91)).as("a control frame produces no JSON frame").isEmpty();
    }
  }
}
