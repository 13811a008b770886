package io.herald.node.limits;

import io.herald.gateway.testing.RawWebSocket;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A close frame is a control frame: its payload (the code, then the reason) is at most 125 bytes, or clients
 * fail with "invalid payload length". A reason that carries what a client sent (graphql-transport-ws's 4409
 * "Subscriber for <id> already exists") is cut to 123 bytes of UTF-8, never inside a character.
 */
class CloseReasonTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults();

  record Id(String name, String id) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Id> ids() {
    return List.of(
        new Id("short ASCII (kept whole)", "op-1"),
        new Id("300 ASCII characters", "x".repeat(300)),
        new Id("2-byte characters", "é".repeat(100)),
        new Id("3-byte characters", "€".repeat(60)),
        new Id("4-byte characters (surrogate pairs)", "😀".repeat(40)),
        new Id("4-byte characters off by one byte", "a" + "😀".repeat(40)),
        new Id("3-byte characters off by two bytes", "ab" + "€".repeat(60)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ids")
  void duplicateGraphQLOperationIdClosesWithAValidFrame(Id id) throws CharacterCodingException {
    try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/graphql", "graphql-transport-ws", 0)) {
      ws.send(new JsonObject().put("type", "connection_init"));
      ws.next("connection_ack");
      JsonObject subscribe = new JsonObject().put("id", id.id()).put("type", "subscribe").put("payload",
          new JsonObject().put("query", "subscription { messages(channel: \"close:reason\") { offset } }"));
      ws.send(subscribe).send(subscribe);

      RawWebSocket.Frame close = ws.skipUntil(RawWebSocket.CLOSE);

      assertThat(close.closeCode()).isEqualTo(4409);
      assertThat(close.payload().length).as("close frame payload").isLessThanOrEqualTo(125);
      byte[] reasonBytes = Arrays.copyOfRange(close.payload(), 2, close.payload().length);
      String reason = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(reasonBytes)).toString();
      String full = "Subscriber for " + id.id() + " already exists";
      assertThat(full).as("the reason is the start of the full one").startsWith(reason);
      if (full.getBytes(StandardCharsets.UTF_8).length <= 123) {
        assertThat(reason).isEqualTo(full);
      } else {
        // Cut at a character boundary as late as possible: the next character would not fit.
        int next = full.codePointAt(reason.length());
        assertThat(reasonBytes.length + new String(Character.toChars(next)).getBytes(StandardCharsets.UTF_8).length)
            .isGreaterThan(123);
      }
    }
  }
}
