package io.herald.gateway.limits;

import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * ws.write_timeout_ms: a client that stops reading is dropped once the output waiting for it has not moved
 * for the timeout, before ws.outbound_queue_bytes is reached (so the slow-consumer bound never trips); a
 * client that reads the same messages is not. The kernel's socket buffers take the first megabytes (the
 * server's send buffer grows up to net.ipv4.tcp_wmem's maximum), so the publisher goes on until the timeout
 * fires, against a generous outbound queue bound.
 */
class WriteTimeoutTest {

  private static final String CHANNEL = "quiet";
  /** At most this many messages of about 16 KB (32 MB): the timeout fires well before. */
  private static final int MAX_MESSAGES = 2_000;
  private static final String PADDING = "x".repeat(16_000);

  /**
   * A 10 ms heartbeat sweep (a quarter of the pong timeout; the 25 s ping interval keeps silent clients
   * from being pinged during the test) checks the 200 ms write timeout; 64 MiB of outbound queue.
   */
  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withSettings(Map.of("ws.write_timeout_ms", "200",
      "ws.pong_timeout_ms", "40", "ws.outbound_queue_bytes", Integer.toString(64 << 20)));

  private double metric(String name) {
    return Metrics.value(node.http(), name);
  }

  @Test
  void clientThatNeverReadsIsDroppedAfterTheWriteTimeout() {
    double timeoutsBefore = metric("herald_limits_triggered_total{limit=\"write_timeout\"}");
    double slowBefore = metric("herald_slow_consumer_closes_total");
    try (WsClient reader = node.connect(); RawWebSocket stalled = RawWebSocket.connect(node.port(), 4096)) {
      stalled.next("connected");
      stalled.send(new JsonObject().put("type", "subscribe").put("id", 1).put("channel", CHANNEL));
      stalled.next("subscribed");
      reader.subscribe(1, CHANNEL);

      // From here on the stalled client reads nothing.
      int published = 0;
      while (published < MAX_MESSAGES && metric("herald_limits_triggered_total{limit=\"write_timeout\"}") == timeoutsBefore) {
        for (int i = 0; i < 10; i++) {
          published++;
          node.http().publish(CHANNEL, new JsonObject().put("n", published).put("pad", PADDING));
        }
      }
      assertThat(metric("herald_limits_triggered_total{limit=\"write_timeout\"}")).isEqualTo(timeoutsBefore + 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> metric("herald_connections_active") == 1);
      // Counted once as a slow consumer (4008), by the write timeout: an overflow would have closed it first.
      assertThat(metric("herald_slow_consumer_closes_total")).isEqualTo(slowBefore + 1);

      // The stalled client's connection is gone: it was reset (no close frame: it would have queued behind
      // what the client did not read), so reading fails at once instead of timing out.
      assertThatThrownBy(() -> {
        int frames = 0;
        try {
          while (true) {
            stalled.readFrame();
            frames++;
          }
        } catch (RuntimeException e) {
              throw e;
        }
      }).isInstanceOf(IllegalStateException.class);

      for (int n = 1; n <= published; n++) {
        assertThat(reader.next("message").getJsonObject("data").getInteger("n")).isEqualTo(n);
      }
      assertThat(reader.framesUntilPong(2)).isEmpty();
    }
  }
}
