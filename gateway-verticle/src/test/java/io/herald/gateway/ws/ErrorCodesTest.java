package io.herald.gateway.ws;

import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each /ws error code of docs/protocol.md (plus the too_many_subscriptions extension): the {@code error}
 * reply, its {@code id} when the request had a valid one, and the connection still answering afterwards.
 */
class ErrorCodesTest {

  private static final int MAX_SUBSCRIPTIONS = 3;
  /** The default message.max_data_bytes; the default ws.max_frame_bytes (65536) is twice as much. */
  private static final int MAX_DATA_BYTES = 32_768;
  private static final int PING_ID = 999;

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension
      .withSettings(Map.of("ws.max_subscriptions", Integer.toString(MAX_SUBSCRIPTIONS)))
      .namespaces(new JsonObject()
          .put("readonly", new JsonObject().put("client_publish", false))
          .put("hidden", new JsonObject().put("presence", false)));

  WsClient client;

  @BeforeEach
  void connect() {
    client = node.connect();
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  /**
   * Sends {@code frame}, expects an {@code error} with {@code code} carrying {@code id} (none when null),
   * then checks that the same connection still answers a ping with nothing in between.
   */
  private void assertErrorAndStillServing(String frame, String code, Integer id) {
    client.sendText(frame);
    JsonObject error = client.next("error");
    assertThat(error.getString("code")).as("code of the reply to %s", frame).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    if (id == null) {
      assertThat(error.containsKey("id")).as("no valid id in %s, none in %s", frame, error).isFalse();
    } else {
      assertThat(error.getValue("id")).as("id of %s", error).isEqualTo(id);
    }
    assertThat(client.framesUntilPong(PING_ID)).as("frames after the error").isEmpty();
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of("not JSON", "{\"type\":\"ping\",", null),
        Arguments.of("empty frame", "", null),
        Arguments.of("a JSON array", "[{\"type\":\"ping\",\"id\":1}]", null),
        Arguments.of("a JSON string", "\"ping\"", null),
        Arguments.of("a JSON number", "17", null),
        Arguments.of("JSON null", "null", null),
        Arguments.of("missing type", "{\"id\":1,\"channel\":\"c\"}", 1),
        Arguments.of("type not a string", "{\"type\":7,\"id\":2}", 2),
        Arguments.of("type null", "{\"type\":null,\"id\":3}", 3),
        Arguments.of("subscribe without channel", "{\"type\":\"subscribe\",\"id\":4}", 4),
        Arguments.of("unsubscribe without channel", "{\"type\":\"unsubscribe\",\"id\":5}", 5),
        Arguments.of("publish without channel", "{\"type\":\"publish\",\"id\":6,\"data\":1}", 6),
        Arguments.of("history without channel", "{\"type\":\"history\",\"id\":7}", 7),
        Arguments.of("presence without channel", "{\"type\":\"presence\",\"id\":8}", 8),
        Arguments.of("channel a number", "{\"type\":\"subscribe\",\"id\":9,\"channel\":42}", 9),
        Arguments.of("channel an array", "{\"type\":\"subscribe\",\"id\":10,\"channel\":[\"a\"]}", 10),
        Arguments.of("id a string", "{\"type\":\"ping\",\"id\":\"11\"}", null),
        Arguments.of("id a fraction", "{\"type\":\"ping\",\"id\":1.5}", null),
        Arguments.of("id a boolean", "{\"type\":\"ping\",\"id\":true}", null),
        Arguments.of("id an object", "{\"type\":\"ping\",\"id\":{}}", null),
        Arguments.of("subscribe since a number", "{\"type\":\"subscribe\",\"id\":12,\"channel\":\"c\",\"since\":5}", 12),
        Arguments.of("history since a string", "{\"type\":\"history\",\"id\":13,\"channel\":\"c\",\"since\":\"e:1\"}", 13),
        Arguments.of("since.offset negative",
            "{\"type\":\"subscribe\",\"id\":14,\"channel\":\"c\",\"since\":{\"epoch\":\"e\",\"offset\":-1}}", 14),
        Arguments.of("history since.offset negative",
            "{\"type\":\"history\",\"id\":15,\"channel\":\"c\",\"since\":{\"epoch\":\"e\",\"offset\":-1}}", 15),
        Arguments.of("since.offset missing", "{\"type\":\"subscribe\",\"id\":16,\"channel\":\"c\",\"since\":{\"epoch\":\"e\"}}", 16),
        Arguments.of("since.offset a string",
            "{\"type\":\"subscribe\",\"id\":17,\"channel\":\"c\",\"since\":{\"epoch\":\"e\",\"offset\":\"3\"}}", 17),
        Arguments.of("since.epoch missing", "{\"type\":\"subscribe\",\"id\":18,\"channel\":\"c\",\"since\":{\"offset\":3}}", 18),
        Arguments.of("limit negative", "{\"type\":\"history\",\"id\":19,\"channel\":\"c\",\"limit\":-1}", 19),
        Arguments.of("limit a fraction", "{\"type\":\"history\",\"id\":20,\"channel\":\"c\",\"limit\":2.5}", 20),
        Arguments.of("limit a string", "{\"type\":\"history\",\"id\":21,\"channel\":\"c\",\"limit\":\"5\"}", 21),
        Arguments.of("publish without data", "{\"type\":\"publish\",\"id\":22,\"channel\":\"c\"}", 22));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badRequest(String name, String frame, Integer id) {
    assertErrorAndStillServing(frame, "bad_request", id);
  }

  static Stream<Arguments> unknownTypes() {
    return Stream.of(
        Arguments.of("{\"type\":\"dance\",\"id\":1}", 1),
        Arguments.of("{\"type\":\"\",\"id\":2}", 2),
        Arguments.of("{\"type\":\"PING\",\"id\":3}", 3),
        Arguments.of("{\"type\":\"message\",\"id\":4,\"channel\":\"c\"}", 4),
        Arguments.of("{\"type\":\"dance\"}", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unknownTypes")
  void unknownType(String frame, Integer id) {
    assertErrorAndStillServing(frame, "unknown_type", id);
  }

  static Stream<Arguments> invalidChannelNames() {
    return Stream.of(
        Arguments.of("empty", ""),
        Arguments.of("256 characters", "a".repeat(256)),
        Arguments.of("space", "room 1"),
        Arguments.of("slash", "room/1"),
        Arguments.of("unicode", "café"),
        Arguments.of("emoji", "room-😀"),
        Arguments.of("hash", "room#1"),
        Arguments.of("newline", "room\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidChannelNames")
  void invalidChannelOnSubscribe(String name, String channel) {
    assertErrorAndStillServing(new JsonObject().put("type", "subscribe").put("id", 31).put("channel", channel).encode(),
        "invalid_channel", 31);
  }

  static Stream<Arguments> requestsWithChannel() {
    return Stream.of(
        Arguments.of("unsubscribe", new JsonObject()),
        Arguments.of("publish", new JsonObject().put("data", "x")),
        Arguments.of("history", new JsonObject()),
        Arguments.of("presence", new JsonObject()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestsWithChannel")
  void invalidChannelOnEveryRequestNamingOne(String type, JsonObject fields) {
    JsonObject frame = fields.copy().put("type", type).put("id", 32).put("channel", "bad channel");
    assertErrorAndStillServing(frame.encode(), "invalid_channel", 32);
  }

  @Test
  void channelNameOfMaximumLengthIsValid() {
    String longest = "a".repeat(255);
    JsonObject reply = client.subscribe(33, longest);
    assertThat(reply.getString("type")).isEqualTo("subscribed");
    assertThat(reply.getString("channel")).isEqualTo(longest);
  }

  @Test
  void notSubscribed() {
    assertErrorAndStillServing("{\"type\":\"unsubscribe\",\"id\":41,\"channel\":\"never\"}", "not_subscribed", 41);

    client.subscribe(42, "once");
    assertThat(client.request(new JsonObject().put("type", "unsubscribe").put("id", 43).put("channel", "once"))
        .getString("type")).isEqualTo("unsubscribed");
    assertErrorAndStillServing("{\"type\":\"unsubscribe\",\"id\":44,\"channel\":\"once\"}", "not_subscribed", 44);
  }

  @Test
  void alreadySubscribedKeepsTheFirstSubscription() {
    assertThat(client.subscribe(51, "twice").getString("type")).isEqualTo("subscribed");
    assertErrorAndStillServing("{\"type\":\"subscribe\",\"id\":52,\"channel\":\"twice\"}", "already_subscribed", 52);

    node.http().publish("twice", "once only");
    JsonObject message = client.next("message");
    assertThat(message.getString("data")).isEqualTo("once only");
    assertThat(client.framesUntilPong(53)).as("delivered once, not twice").isEmpty();
  }

  @Test
  void tooManySubscriptions() {
    for (int i = 1; i <= MAX_SUBSCRIPTIONS; i++) {
      assertThat(client.subscribe(60 + i, "many-" + i).getString("type")).isEqualTo("subscribed");
    }
    assertErrorAndStillServing("{\"type\":\"subscribe\",\"id\":64,\"channel\":\"many-4\"}", "too_many_subscriptions", 64);

    client.request(new JsonObject().put("type", "unsubscribe").put("id", 65).put("channel", "many-1"));
    assertThat(client.subscribe(66, "many-4").getString("type")).as("room again after an unsubscribe").isEqualTo("subscribed");
  }

  private static String publishFrame(int id, String channel, String dataJson) {
    return "{\"type\":\"publish\",\"id\":" + id + ",\"channel\":\"" + channel + "\",\"data\":" + dataJson + "}";
  }

  static Stream<Arguments> oversizedData() {
    return Stream.of(
        Arguments.of("one byte over", "\"" + "x".repeat(MAX_DATA_BYTES - 1) + "\""),
        Arguments.of("well over", "{\"blob\":\"" + "x".repeat(40_000) + "\"}"),
        // 2 bytes of UTF-8 per character: under the limit in characters, over it in bytes.
        Arguments.of("multi-byte characters", "\"" + "é".repeat(MAX_DATA_BYTES / 2) + "\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oversizedData")
  void messageTooLarge(String name, String dataJson) {
    assertErrorAndStillServing(publishFrame(71, "big", dataJson), "message_too_large", 71);
    assertThat(client.request(new JsonObject().put("type", "history").put("id", 72).put("channel", "big"))
        .getJsonArray("messages")).as("nothing was published").isEmpty();
  }

  @Test
  void dataOfExactlyTheLimitIsPublished() {
    client.sendText(publishFrame(73, "limit", "\"" + "x".repeat(MAX_DATA_BYTES - 2) + "\""));
    JsonObject reply = client.next();
    assertThat(reply.getString("type")).as("reply %s", reply.getString("code")).isEqualTo("published");
    assertThat(reply.getInteger("id")).isEqualTo(73);
  }

  @Test
  void publishDeniedWhereClientsMayNotPublish() {
    assertErrorAndStillServing(publishFrame(81, "readonly:news", "{\"a\":1}"), "permission_denied", 81);
    // Other requests in that namespace are allowed.
    assertThat(client.subscribe(82, "readonly:news").getString("type")).isEqualTo("subscribed");
    assertThat(client.request(new JsonObject().put("type", "presence").put("id", 83).put("channel", "readonly:news"))
        .getString("type")).isEqualTo("presence");
  }

  @Test
  void presenceDeniedWhereItIsOff() {
    assertErrorAndStillServing("{\"type\":\"presence\",\"id\":91,\"channel\":\"hidden:room\"}", "permission_denied", 91);
    assertThat(client.request(new JsonObject().put("type", "publish").put("id", 92).put("channel", "hidden:room")
        .put("data", 1)).getString("type")).isEqualTo("published");
  }
}
