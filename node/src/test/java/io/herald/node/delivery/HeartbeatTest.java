package io.herald.node.delivery;

import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Server heartbeats: a silent connection is pinged every {@code ws.ping_interval_ms}; one that does not
 * answer within {@code ws.pong_timeout_ms} more is closed with 4011, one that answers stays open.
 */
class HeartbeatTest {

  static final long PING_INTERVAL_MS = 200;
  static final long PONG_TIMEOUT_MS = 300;
  static final String TIMEOUT_CLOSES = "herald_disconnects_total{code=\"4011\"}";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of(
      "ws.ping_interval_ms", Long.toString(PING_INTERVAL_MS),
      "ws.pong_timeout_ms", Long.toString(PONG_TIMEOUT_MS)));

  @Test
  void clientThatNeverAnswersPingsIsPingedThenClosedWith4011() {
    double timeoutClosesBefore = Metrics.value(node.http(), TIMEOUT_CLOSES);
    try (RawWebSocket silent = RawWebSocket.connect(node.port())) {
      assertThat(silent.next("connected").getLong("ping_interval_ms")).isEqualTo(PING_INTERVAL_MS);

      assertThat(silent.readFrame().opcode()).as("the first frame after connected").isEqualTo(RawWebSocket.PING);
      RawWebSocket.Frame frame = silent.readFrame();
      while (frame.opcode() == RawWebSocket.PING) {
        frame = silent.readFrame();
      }
      assertThat(frame.opcode()).as("after the pings").isEqualTo(RawWebSocket.CLOSE);
      assertThat(frame.closeCode()).isEqualTo(4011);
    }
    assertThat(Metrics.value(node.http(), TIMEOUT_CLOSES)).isEqualTo(timeoutClosesBefore + 1);
  }

  @Test
  void clientThatAnswersPingsStaysOpen() {
    try (WsClient client = node.connect()) {
      assertThat(client.connected().getLong("ping_interval_ms")).isEqualTo(PING_INTERVAL_MS);
      AtomicInteger pings = new AtomicInteger();
      client.socket().frameHandler(frame -> {
        if (frame.isPing()) {
          pings.incrementAndGet(); // Vert.x has already answered it with a pong
        }
      });

      // The client sends nothing but pongs. Unanswered, the server would close it once silent for
      // 200 + 300 ms, after at most two pings; a third ping means the pongs kept it alive.
      await().atMost(Duration.ofSeconds(10)).until(() -> pings.get() >= 3);

      assertThat(client.isClosed()).isFalse();
      JsonObject pong = client.request(new JsonObject().put("type", "ping").put("id", 1));
      assertThat(pong.getString("type")).isEqualTo("pong");
    }
  }
}
