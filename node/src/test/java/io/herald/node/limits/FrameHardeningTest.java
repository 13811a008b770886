package io.herald.node.limits;

import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The WebSocket layer itself, on /ws and /graphql: compression is never negotiated (no decompression bombs),
 * a fragmented message over ws.max_frame_bytes closes with 1009 on both paths, and frames that break RFC 6455
 * close with 1002 (a close frame, not a dropped connection); the node serves on after each.
 */
class FrameHardeningTest {

  private static final int MAX_FRAME_BYTES = 65_536;
  private static final String GRAPHQL = "graphql-transport-ws";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults();

  @AfterEach
  void nodeKeepsServing() {
    try (WsClient client = node.connect()) {
      assertThat(client.framesUntilPong(1)).isEmpty();
    }
  }

  private static RawWebSocket open(String path) {
    return RawWebSocket.connect(node.port(), path, "/graphql".equals(path) ? GRAPHQL : null, 0);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/ws", "/graphql"})
  void permessageDeflateOfferedByTheClientIsNotNegotiated(String path) {
    RawWebSocket.Upgrade upgrade = RawWebSocket.upgrade("127.0.0.1", node.port(), path,
        Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits, x-webkit-deflate-frame"));
    assertThat(upgrade.status()).isEqualTo(101);
    assertThat(upgrade.header("Sec-WebSocket-Extensions")).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/ws", "/graphql"})
  void fragmentedMessageOverTheLimitClosesWith1009(String path) {
    try (RawWebSocket ws = open(path)) {
      byte[] fragment = "x".repeat(30_000).getBytes(StandardCharsets.US_ASCII);
      ws.sendFrame(false, RawWebSocket.TEXT, fragment);
      ws.sendFrame(false, 0, fragment);
      ws.sendFrame(true, 0, fragment); // 90,000 bytes in all, each fragment under the limit
      assertThat(ws.skipUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1009);
    }
    assertThat(3 * 30_000).isGreaterThan(MAX_FRAME_BYTES);
  }

  /**
   * Found by the fuzz test: Vert.x's own reassembly throws on every fragment after an empty first one, and
   * the connection then loses every message. The session reassembles messages itself.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/ws", "/graphql"})
  void fragmentedMessageWithEmptyFragmentsIsReassembled(String path) {
    try (RawWebSocket ws = open(path)) {
      if ("/ws".equals(path)) {
        ws.next("connected");
      }
      byte[] ping = bytes("{\"type\":\"ping\"" + ("/ws".equals(path) ? ",\"id\":3" : "") + "}");
      ws.sendFrame(false, RawWebSocket.TEXT, new byte[0]);
      ws.sendFrame(false, 0, java.util.Arrays.copyOfRange(ping, 0, 5));
      ws.sendFrame(false, 0, new byte[0]);
      ws.sendFrame(true, 0, java.util.Arrays.copyOfRange(ping, 5, ping.length));
      assertThat(ws.next("pong").getValue("id")).isEqualTo("/ws".equals(path) ? 3 : null);
      ws.sendText(new String(ping, StandardCharsets.UTF_8));
      assertThat(ws.next("pong").getString("type")).as("and the next message too").isEqualTo("pong");
    }
  }

  /** A frame breaking RFC 6455, as the client sends it. */
  record Violation(String name, Consumer<RawWebSocket> send) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Stream<Arguments> violations() {
    byte[] ping = bytes("{\"type\":\"ping\",\"id\":1}");
    Stream<Violation> table = Stream.of(
        new Violation("reserved data opcode 3", ws -> ws.sendFrame(3, ping)),
        new Violation("reserved control opcode 0xB", ws -> ws.sendFrame(0xB, new byte[0])),
        new Violation("RSV1 set without an extension", ws -> ws.sendFrame(0x40 | RawWebSocket.TEXT, ping)),
        new Violation("fragmented ping", ws -> ws.sendFrame(false, RawWebSocket.PING, new byte[0])),
        new Violation("ping of 126 bytes", ws -> ws.sendFrame(RawWebSocket.PING, new byte[126])),
        new Violation("continuation without a message", ws -> ws.sendFrame(true, 0, ping)),
        new Violation("new text frame inside a fragmented message",
            ws -> ws.sendFrame(false, RawWebSocket.TEXT, ping).sendFrame(true, RawWebSocket.TEXT, ping)),
        new Violation("unmasked frame", ws -> ws.sendRaw(new byte[] {(byte) 0x81, 2, '{', '}'})));
    return table.flatMap(v -> Stream.of(arguments("/ws", v), arguments("/graphql", v)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("violations")
  void protocolViolationClosesWith1002(String path, Violation violation) {
    try (RawWebSocket ws = open(path)) {
      violation.send().accept(ws);
      assertThat(ws.skipUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1002);
    }
  }
}
