package io.herald.node.backend;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code idempotency_key} on every publish path of a real node (HTTP single and batch, /ws, GraphQL): a repeat
 * answers the first result with {@code "duplicate": true} and subscribers get the message once; a bad key is
 * refused with {@code bad_request} before anything is published. One gateway loop, so a ping round trip after
 * the publishes shows that no second copy is on its way.
 */
class IdempotentPublishTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("gateway.instances", "1"));

  private final List<WsClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
  }

  @Test
  void aRepeatedHttpPublishAnswersTheFirstResultAndIsDeliveredOnce() {
    String channel = channel();
    WsClient subscriber = subscribe(channel);
    JsonObject body = new JsonObject().put("channel", channel).put("data", "order 17").put("idempotency_key", "order-17");

    JsonObject first = node.http().post("/api/publish", body).json();
    JsonObject repeat = node.http().post("/api/publish", body).json();
    JsonObject other = node.http().post("/api/publish", body.copy().put("idempotency_key", "order-18")).json();

    assertThat(first.containsKey("duplicate")).isFalse();
    assertThat(first.getLong("offset")).isEqualTo(1);
    assertThat(repeat).isEqualTo(first.copy().put("duplicate", true));
    assertThat(other.getLong("offset")).isEqualTo(2);
    assertThat(messageOffsets(subscriber)).containsExactly(1L, 2L);
  }

  @Test
  void aBatchAnswersEachMessageAndKeepsTheRepeatsOut() {
    String a = channel();
    String b = channel();
    WsClient subscriber = subscribe(a);
    node.http().post("/api/publish", new JsonObject().put("channel", a).put("data", 0).put("idempotency_key", "k0"));

    JsonArray results = node.http().post("/api/publish", new JsonObject().put("messages", new JsonArray()
        .add(message(a, 1, "k1"))
        .add(message(b, 2, "k0")) // the same key on another channel is another key
        .add(message(a, 3, "k0"))
        .add(message(a, 4, null))
        .add(message(a, 5, "k1")))).json().getJsonArray("results");

    assertThat(results.stream().map(r -> ((JsonObject) r).getLong("offset"))).containsExactly(2L, 1L, 1L, 3L, 2L);
    assertThat(results.stream().map(r -> ((JsonObject) r).getBoolean("duplicate", false)))
        .containsExactly(false, false, true, false, true);
    assertThat(messageOffsets(subscriber)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aRepeatedWebSocketPublishSaysDuplicate() {
    String channel = channel();
    WsClient publisher = connect();
    JsonObject publish = new JsonObject().put("type", "publish").put("channel", channel).put("data", 1)
        .put("idempotency_key", "ws-1");

    JsonObject first = publisher.request(publish.copy().put("id", 1));
    JsonObject repeat = publisher.request(publish.copy().put("id", 2));

    assertThat(first.getString("type")).isEqualTo("published");
    assertThat(first.containsKey("duplicate")).isFalse();
    assertThat(repeat.getString("type")).isEqualTo("published");
    assertThat(repeat.getBoolean("duplicate")).isTrue();
    assertThat(repeat.getLong("offset")).isEqualTo(first.getLong("offset"));
    assertThat(repeat.getString("epoch")).isEqualTo(first.getString("epoch"));
  }

  @Test
  void aRepeatedGraphQLMutationSaysDuplicate() {
    String channel = channel();
    String mutation = "mutation($c: String!) { publish(channel: $c, data: 1, idempotencyKey: \"gql-1\") { offset duplicate } }";
    JsonObject request = new JsonObject().put("query", mutation).put("variables", new JsonObject().put("c", channel));

    JsonObject first = node.http().post("/graphql", request).json().getJsonObject("data").getJsonObject("publish");
    JsonObject repeat = node.http().post("/graphql", request).json().getJsonObject("data").getJsonObject("publish");

    assertThat(first).isEqualTo(new JsonObject().put("offset", 1).put("duplicate", false));
    assertThat(repeat).isEqualTo(new JsonObject().put("offset", 1).put("duplicate", true));
  }

  static Stream<Arguments> badKeys() {
    return Stream.of(
        arguments("a number", 5),
        arguments("empty", ""),
        arguments("129 characters", "k".repeat(129)),
        arguments("an object", new JsonObject()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badKeys")
  void aBadKeyIsRefusedOnEveryPathAndPublishesNothing(String name, Object key) {
    String channel = channel();
    Response http = node.http().post("/api/publish", new JsonObject().put("channel", channel).put("data", 1).put("idempotency_key", key));
    JsonObject ws = connect().request(new JsonObject().put("type", "publish").put("id", 1).put("channel", channel)
        .put("data", 1).put("idempotency_key", key));

    assertThat(http.status()).as(name).isEqualTo(400);
    assertThat(http.errorCode()).isEqualTo("bad_request");
    assertThat(ws.getString("type")).isEqualTo("error");
    assertThat(ws.getString("code")).isEqualTo("bad_request");
    assertThat(node.http().get("/api/channels/" + channel).json().getLong("offset")).as("nothing was published").isZero();
  }

  @Test
  void theChannelRouteNamesItsPositionAndOwner() {
    String channel = channel();
    node.http().publish(channel, 1);

    JsonObject info = node.http().get("/api/channels/" + channel).json();

    assertThat(info.fieldNames()).containsExactlyInAnyOrder("channel", "epoch", "offset", "owner");
    assertThat(info.getLong("offset")).isEqualTo(1);
    assertThat(info.getString("owner")).isEqualTo(node.node().nodeId());
  }

  private static JsonObject message(String channel, int data, String key) {
    JsonObject m = new JsonObject().put("channel", channel).put("data", data);
    return key == null ? m : m.put("idempotency_key", key);
  }

  private static String channel() {
    return "idem:" + UUID.randomUUID();
  }

  private WsClient connect() {
    WsClient client = node.connect();
    clients.add(client);
    return client;
  }

  private WsClient subscribe(String channel) {
    WsClient subscriber = connect();
    subscriber.subscribe(1, channel);
    return subscriber;
  }

  /** The offsets of the messages the subscriber got, up to a ping: everything sent to it before. */
  private static List<Long> messageOffsets(WsClient subscriber) {
    return subscriber.framesUntilPong(99).stream().filter(f -> "message".equals(f.getString("type")))
        .map(f -> f.getLong("offset")).toList();
  }
}
