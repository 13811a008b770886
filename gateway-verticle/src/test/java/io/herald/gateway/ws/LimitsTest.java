package io.herald.gateway.ws;

import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inbound size and shape limits of /ws: frames and fragmented messages over ws.max_frame_bytes close
 * the connection with 1009, binary frames and JSON nested too deeply are refused with bad_request on a
 * connection that stays open, and the node keeps serving other clients after each of them.
 */
class LimitsTest {

  /** The default ws.max_frame_bytes. */
  private static final int MAX_FRAME_BYTES = 65_536;
  private static final short TOO_LARGE = 1009;

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withDefaults();
  private static final AtomicInteger channels = new AtomicInteger();

  /** After every abuse, a fresh client can still subscribe and receive a published message. */
  @AfterEach
  void nodeKeepsServing() {
    String channel = "after-" + channels.incrementAndGet();
    try (WsClient fresh = node.connect(); WsClient publisher = node.connect()) {
      assertThat(fresh.subscribe(1, channel).getString("type")).isEqualTo("subscribed");
      JsonObject published = publisher.request(new JsonObject().put("type", "publish").put("id", 2)
          .put("channel", channel).put("data", "still here"));
      assertThat(published.getString("type")).isEqualTo("published");
      JsonObject message = fresh.next("message");
      assertThat(message.getString("data")).isEqualTo("still here");
    }
  }

  /** A ping request padded with a string field to exactly {@code bytes} bytes of (ASCII) JSON. */
  private static String paddedPing(int id, int bytes) {
    String head = "{\"type\":\"ping\",\"id\":" + id + ",\"pad\":\"";
    String tail = "\"}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  private static void assertStillServing(WsClient client) {
    assertThat(client.framesUntilPong(77)).isEmpty();
    assertThat(client.isClosed()).isFalse();
  }

  @Test
  void frameOfExactlyTheLimitIsAccepted() {
    try (WsClient client = node.connect()) {
      String frame = paddedPing(5, MAX_FRAME_BYTES);
      assertThat(frame).hasSize(MAX_FRAME_BYTES);
      client.sendText(frame);
      assertThat(client.next("pong").getInteger("id")).isEqualTo(5);
    }
  }

  @Test
  void singleFrameOverTheLimitClosesWith1009() {
    try (WsClient client = node.connect()) {
      writeWithoutAwaiting(client, paddedPing(6, MAX_FRAME_BYTES + 1));
      assertThat(client.awaitCloseStatus()).isEqualTo(TOO_LARGE);
    }
  }

  @Test
  void fragmentedMessageUnderTheLimitIsReassembled() {
    try (WsClient client = node.connect()) {
      String message = paddedPing(7, 3_000);
      writeFragments(client, message.substring(0, 1_000), message.substring(1_000, 2_000), message.substring(2_000));
      assertThat(client.next("pong").getInteger("id")).isEqualTo(7);
    }
  }

  @Test
  void fragmentedMessageOverTheLimitClosesWith1009() {
    try (WsClient client = node.connect()) {
      // Every fragment is well under the frame limit; together they exceed it.
      String message = paddedPing(8, MAX_FRAME_BYTES + 10_000);
      int third = message.length() / 3;
      writeFragments(client, message.substring(0, third), message.substring(third, 2 * third), message.substring(2 * third));
      assertThat(client.awaitCloseStatus()).isEqualTo(TOO_LARGE);
    }
  }

  /**
   * Writes a frame the server will refuse part-way: it may close the connection (and reset it) before
   * the client has written everything, so the outcome of the write itself is not awaited.
   */
  private static void writeWithoutAwaiting(WsClient client, String text) {
    client.socket().writeTextMessage(text);
  }

  private static void writeFragments(WsClient client, String first, String... rest) {
    client.socket().writeFrame(WebSocketFrame.textFrame(first, false));
    for (int i = 0; i < rest.length; i++) {
      client.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(rest[i]), i == rest.length - 1));
    }
  }

  @Test
  void binaryFrameIsRefusedAndTheConnectionStaysOpen() {
    try (WsClient client = node.connect()) {
      client.socket().writeBinaryMessage(Buffer.buffer("{\"type\":\"ping\",\"id\":9}"));
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_request");
      assertThat(error.containsKey("id")).as("a binary frame is not read, so it has no id").isFalse();
      assertStillServing(client);
    }
  }

  private static String nestedArrays(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  static Stream<Arguments> deeplyNestedFramesUnderTheLimit() {
    String data = nestedArrays(30_000);
    return Stream.of(
        Arguments.of("the whole frame", data),
        Arguments.of("the data of a publish", "{\"type\":\"publish\",\"id\":10,\"channel\":\"deep\",\"data\":" + data + "}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deeplyNestedFramesUnderTheLimit")
  void deeplyNestedJsonIsABadRequest(String where, String frame) {
    assertThat(frame.length()).isLessThanOrEqualTo(MAX_FRAME_BYTES);
    try (WsClient client = node.connect()) {
      client.sendText(frame);
      JsonObject error = client.next("error");
      assertThat(error.getString("code")).isEqualTo("bad_request");
      assertStillServing(client);
    }
  }

  @Test
  void deeplyNestedJsonOverTheLimitClosesWith1009() {
    try (WsClient client = node.connect()) {
      writeWithoutAwaiting(client, nestedArrays(100_000));
      assertThat(client.awaitCloseStatus()).isEqualTo(TOO_LARGE);
    }
  }
}
