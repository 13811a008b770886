package io.herald.node.delivery;

import io.herald.node.testing.HttpApiClient;
import io.herald.node.testing.RawWebSocket;
import io.herald.node.testing.TestNode;
import io.herald.node.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

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

  static Vertx vertx;
  static TestNode node;
  static HttpApiClient http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    node = TestNode.start();
    http = node.http(vertx);
  }

  @AfterAll
  static void stop() {
    node.close();
    vertx.close();
  }

  @Test
  void clientThatStopsReadingIsClosedWith4008AndOthersGetEverything() {
    double slowClosesBefore = Metrics.value(http, "herald_slow_consumer_closes_total");
    try (WsClient good = node.connect(vertx);
         RawWebSocket stalled = RawWebSocket.connect(node.port(), 16 * 1024)) {
      stalled.next("connected");
      stalled.send(new JsonObject().put("type", "subscribe").put("id", 1).put("channel", CHANNEL));
      assertThat(stalled.next("subscribed").getString("channel")).isEqualTo(CHANNEL);
      String epoch = good.subscribe(1, CHANNEL).getString("epoch");
      assertThat(Metrics.value(http, "herald_connections_active")).isEqualTo(2);

      // From here on the stalled client reads nothing while tens of MB go to the channel.
      for (int n = 1; n <= MESSAGES; n++) {
        http.publish(CHANNEL, new JsonObject().put("n", n).put("pad", PADDING));
      }

      for (long n = 1; n <= MESSAGES; n++) {
        JsonObject message = good.next("message");
        assertThat(message.getLong("offset")).isEqualTo(n);
        assertThat(message.getString("epoch")).isEqualTo(epoch);
        assertThat(message.getJsonObject("data").getLong("n")).isEqualTo(n);
      }
      assertThat(good.isClosed()).isFalse();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(Metrics.value(http, "herald_slow_consumer_closes_total")).isGreaterThanOrEqualTo(slowClosesBefore + 1);
        assertThat(Metrics.value(http, "herald_connections_active")).isEqualTo(1);
      });

      // Reading again, the stalled client finds the frames queued before the overflow, then the close.
      RawWebSocket.Frame close = stalled.skipUntil(RawWebSocket.CLOSE);
      assertThat(close.closeCode()).isEqualTo(4008);
    }
  }
}
