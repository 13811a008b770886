package io.herald.node.hostile;

import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seeded random fuzzing of the /ws frame decoder and request parser for {@code -Dherald.fuzz.seconds}
 * (default 10): requests almost right, mutated and truncated JSON, deep nesting, huge numbers and strings,
 * invalid UTF-8, binary frames, fragmented messages with control frames between the fragments, frames that
 * break RFC 6455, close frames with odd payloads and raw garbage (not awaited: random bytes may announce a
 * frame longer than what follows, which the server rightly waits for). After each input the client sends a ping:
 * every frame before its pong must be a documented reply (an {@code error} with a documented code, never
 * {@code internal}), or the connection ends with a documented close code; inputs that are well-formed
 * WebSocket frames must leave the connection open. The seed is printed, and
 * {@code -Dherald.fuzz.seed=<seed>} replays a run. Afterwards the node serves a well-behaved client and its
 * connection and subscription gauges are back at zero.
 */
class FuzzWebSocketTest {

  static final long SECONDS = Long.getLong("herald.fuzz.seconds", 10);
  static final long SEED = Long.getLong("herald.fuzz.seed", System.nanoTime());
  private static final int MAX_FRAME_BYTES = 65_536;

  private static final Set<String> REPLIES = Set.of("connected", "subscribed", "unsubscribed", "message", "published",
      "history", "presence", "join", "leave", "pong", "error");
  /** docs/protocol.md; {@code internal} is not a client error and must not appear. */
  private static final Set<String> ERROR_CODES = Set.of("bad_request", "unknown_type", "invalid_channel", "unauthorized",
      "permission_denied", "not_subscribed", "already_subscribed", "too_many_subscriptions", "rate_limited",
      "message_too_large", "recovery_failed", "too_many_channels");
  /** 1002 protocol error, 1008 policy (publish rate), 1009 too large (docs/security.md). */
  private static final Set<Integer> CLOSE_CODES = Set.of(1002, 1008, 1009);

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults();

  /** One fuzz input: what it sends, and whether a server may end the connection because of it. */
  private enum Kind {
    REQUEST(false), MUTATED(false), NESTED(false), HUGE(false), INVALID_UTF8(false), BINARY(false),
    FRAGMENTED(false), OVERSIZED(true), VIOLATION(true), CLOSE(true), GARBAGE(true);

    final boolean mayEnd;

    Kind(boolean mayEnd) {
      this.mayEnd = mayEnd;
    }
  }

  private final HostileInput input = new HostileInput(SEED);
  private final Map<String, Integer> stats = new TreeMap<>();
  private long sentinel = 1L << 40;

  @Test
  void randomInputNeverGetsAnUndocumentedAnswerAndTheNodeServesOn() {
    System.out.println("FuzzWebSocketTest: seed " + SEED + " (-Dherald.fuzz.seed=" + SEED + "), " + SECONDS + " s");
    long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
    RawWebSocket ws = null;
    Kind kind = null;
    int inputs = 0;
    try {
      while (System.nanoTime() < deadline) {
        if (ws == null) {
          ws = RawWebSocket.connect(node.port());
          ws.next("connected");
        }
        kind = Kind.values()[input.nextInt(Kind.values().length)];
        inputs++;
        String outcome = exchange(ws, kind);
        stats.merge(kind + " -> " + outcome, 1, Integer::sum);
        if (!"open".equals(outcome)) {
          ws.close();
          ws = null;
        }
      }
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("fuzz failed with seed " + SEED + " at input " + inputs + " (" + kind + "): " + e.getMessage(), e);
    } finally {
      if (ws != null) {
        ws.close();
      }
      System.out.println("FuzzWebSocketTest: " + inputs + " inputs, outcomes " + stats);
    }

    assertWellBehavedClientIsServed();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(Metrics.value(node.http(), "herald_connections_active")).isZero();
      assertThat(Metrics.value(node.http(), "herald_subscriptions_active")).isZero();
    });
  }

  /** Sends one input of {@code kind} then a ping, and checks everything until its pong or the end. */
  private String exchange(RawWebSocket ws, Kind kind) {
    if (kind == Kind.GARBAGE) {
      // Random bytes may announce a frame longer than what follows: the server rightly waits for the rest
      // (until the heartbeat gives up), so nothing is awaited; the node must only survive it.
      try {
        send(ws, kind);
      } catch (IllegalStateException e) {
        return "reset";
      }
      return "abandoned";
    }
    try {
      send(ws, kind);
      ws.sendText("{\"type\":\"ping\",\"id\":" + (++sentinel) + "}");
    } catch (IllegalStateException e) {
      // The server ended the connection while we were still writing (a reset): only for inputs that may end it.
      assertThat(kind.mayEnd).as("%s input: write failed: %s", kind, e.getMessage()).isTrue();
      return "reset";
    }
    while (true) {
      RawWebSocket.Frame frame;
      try {
        frame = ws.readFrame();
      } catch (IllegalStateException e) {
        assertThat(kind.mayEnd).as("%s input: connection ended without a close frame: %s", kind, e.getMessage()).isTrue();
        return "reset";
      }
      switch (frame.opcode()) {
        case RawWebSocket.PING, RawWebSocket.PONG -> { }
        case RawWebSocket.CLOSE -> {
          if (kind != Kind.CLOSE) { // our own close frame is echoed with our code
            assertThat(kind.mayEnd).as("%s input closed the connection with %d", kind, frame.closeCode()).isTrue();
            assertThat(frame.closeCode()).as("close code after %s input", kind).isIn(CLOSE_CODES);
          }
          return "close " + (kind == Kind.CLOSE ? "echo" : frame.closeCode());
        }
        case RawWebSocket.TEXT -> {
          JsonObject reply = frame.json();
          String type = reply.getString("type");
          assertThat(type).as("reply %s", reply).isIn(REPLIES);
          if ("error".equals(type)) {
            assertThat(reply.getString("code")).as("error %s", reply).isIn(ERROR_CODES);
          }
          if ("pong".equals(type) && Long.valueOf(sentinel).equals(reply.getLong("id"))) {
            return "open";
          }
        }
        default -> throw new AssertionError("server sent opcode " + frame.opcode());
      }
    }
  }

  private void send(RawWebSocket ws, Kind kind) {
    switch (kind) {
      case REQUEST -> ws.sendText(input.request());
      case MUTATED -> ws.sendText(input.mutate(input.request()));
      case NESTED -> ws.sendText(input.nested(1 + input.nextInt(10_000))); // under ws.max_frame_bytes
      case HUGE -> ws.sendText(huge());
      case INVALID_UTF8 -> ws.sendFrame(RawWebSocket.TEXT, input.bytes(input.nextInt(200)));
      case BINARY -> ws.sendFrame(0x2, input.bytes(input.nextInt(2_000)));
      case FRAGMENTED -> fragmented(ws, HostileInput.utf8(input.request()));
      case OVERSIZED -> oversized(ws);
      case VIOLATION -> violation(ws);
      case CLOSE -> ws.sendFrame(RawWebSocket.CLOSE, input.bytes(input.nextInt(4) == 0 ? 1 : input.nextInt(60)));
      case GARBAGE -> ws.sendRaw(input.bytes(1 + input.nextInt(64)));
    }
  }

  /** A request with one absurd value: a huge number or string, up to the frame limit. */
  private String huge() {
    String value = input.nextInt(2) == 0 ? input.hugeNumber()
        : HostileInput.quoted(input.string(input.nextInt(MAX_FRAME_BYTES / 2 - 100))); // escaped, still under the limit
    String field = input.pick(new String[] {"id", "channel", "data", "limit", "since"});
    return "{\"type\":\"" + input.pick(new String[] {"publish", "history", "subscribe"}) + "\",\"channel\":\"fuzz\",\""
        + field + "\":" + value + "}";
  }

  /** {@code message} in 2 to 6 fragments, with pings and pongs between them. */
  private void fragmented(RawWebSocket ws, byte[] message) {
    int parts = 2 + input.nextInt(5);
    int from = 0;
    for (int i = 0; i < parts; i++) {
      int to = i == parts - 1 ? message.length : Math.min(message.length, from + input.nextInt(message.length / parts + 1));
      byte[] part = java.util.Arrays.copyOfRange(message, from, to);
      ws.sendFrame(i == parts - 1, i == 0 ? RawWebSocket.TEXT : 0, part);
      if (input.nextInt(2) == 0 && i < parts - 1) {
        ws.sendFrame(input.nextInt(2) == 0 ? RawWebSocket.PING : RawWebSocket.PONG, input.bytes(input.nextInt(125)));
      }
      from = to;
    }
  }

  private void oversized(RawWebSocket ws) {
    if (input.nextInt(2) == 0) {
      ws.sendText("\"" + "x".repeat(MAX_FRAME_BYTES + input.nextInt(10_000)) + "\"");
    } else {
      byte[] part = HostileInput.utf8("x".repeat(MAX_FRAME_BYTES / 2));
      ws.sendFrame(false, RawWebSocket.TEXT, part).sendFrame(false, 0, part).sendFrame(true, 0, part);
    }
  }

  private void violation(RawWebSocket ws) {
    byte[] payload = HostileInput.utf8(input.request());
    switch (input.nextInt(8)) {
      case 0 -> ws.sendFrame(3 + input.nextInt(5), payload);                       // reserved data opcode
      case 1 -> ws.sendFrame(0xB + input.nextInt(5), new byte[0]);                 // reserved control opcode
      case 2 -> ws.sendFrame((0x10 << input.nextInt(3)) | RawWebSocket.TEXT, payload); // an RSV bit
      case 3 -> ws.sendFrame(false, RawWebSocket.PING, new byte[0]);               // fragmented control frame
      case 4 -> ws.sendFrame(RawWebSocket.PING, new byte[126 + input.nextInt(200)]); // control frame too long
      case 5 -> ws.sendFrame(true, 0, payload);                                    // continuation of nothing
      case 6 -> ws.sendFrame(false, RawWebSocket.TEXT, payload).sendFrame(true, RawWebSocket.TEXT, payload);
      default -> ws.sendRaw(new byte[] {(byte) 0x81, 2, '{', '}'});                // unmasked
    }
  }

  private static void assertWellBehavedClientIsServed() {
    assertThat(node.http().get("/health/live").status()).isEqualTo(200);
    try (WsClient subscriber = node.connect(); WsClient publisher = node.connect()) {
      assertThat(subscriber.subscribe(1, "after-fuzz").getString("type")).isEqualTo("subscribed");
      assertThat(publisher.request(new JsonObject().put("type", "publish").put("id", 2).put("channel", "after-fuzz")
          .put("data", "fine")).getString("type")).isEqualTo("published");
      assertThat(subscriber.next("message").getString("data")).isEqualTo("fine");
    }
  }
}
