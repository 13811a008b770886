package io.herald.node.delivery;

import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stops reading is closed with 4008 once its outbound queue overflows, while a
 * subscriber that keeps up with the same channel loses nothing.
 */
class SlowConsumerTest {

  static final String CHANNEL = "firehose";
  static final int MESSAGES = 1_000;
  /** Just under message.max_data_bytes (32768) once JSON-quoted: about 30 MB in all. */
  static final String PADDING = "x".repeat(30_000);

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults();

  @Test
  void clientThatStopsReadingIsClosedWith4008AndOthersGetEverything() throws Exception {
    double slowClosesBefore = Metrics.value(node.http(), "herald_slow_consumer_closes_total");
    try (WsClient good = node.connect();
         RawWebSocket stalled = RawWebSocket.connect(node.port(), 16 * 1024)) {
      stalled.next("connected");
      stalled.send(new JsonObject().put("type", "subscribe").put("id", 1).put("channel", CHANNEL));
      assertThat(stalled.next("subscribed").getString("channel")).isEqualTo(CHANNEL);
      String epoch = good.subscribe(1, CHANNEL).getString("epoch");
      assertThat(Metrics.value(node.http(), "herald_connections_active")).isEqualTo(2);

      // From here on the stalled client reads nothing while tens of MB go to the channel.
      CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
        for (int n = 1; n <= MESSAGES; n++) {
          node.http().publish(CHANNEL, new JsonObject().put("n", n).put("pad", PADDING));
        }
      });
      await().atMost(Duration.ofSeconds(30)).until(
          () -> Metrics.value(node.http(), "herald_slow_consumer_closes_total") >= slowClosesBefore + 1);

      // Reading again (before the server's closing timeout cuts the socket), the stalled client finds
      // the messages queued before the overflow, in order, then the close frame.
      long received = 0;
      RawWebSocket.Frame frame = stalled.readFrame();
      while (frame.opcode() == RawWebSocket.TEXT) {
        assertThat(frame.json().getLong("offset")).isEqualTo(++received);
        frame = stalled.readFrame();
      }
      assertThat(frame.opcode()).isEqualTo(RawWebSocket.CLOSE);
      assertThat(frame.closeCode()).isEqualTo(4008);
      assertThat(received).as("messages the stalled client got").isLessThan(MESSAGES);

      publisher.get(60, TimeUnit.SECONDS);
      for (long n = 1; n <= MESSAGES; n++) {
        JsonObject message = good.next("message");
        assertThat(message.getLong("offset")).isEqualTo(n);
        assertThat(message.getString("epoch")).isEqualTo(epoch);
        assertThat(message.getJsonObject("data").getLong("n")).isEqualTo(n);
      }
      assertThat(good.isClosed()).isFalse();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> Metrics.value(node.http(), "herald_connections_active") == 1);
    }
  }
}
