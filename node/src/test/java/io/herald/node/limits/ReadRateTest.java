package io.herald.node.limits;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ws.read_bytes_rate: a client sending faster than its read budget is held back by the node no longer
 * reading its socket, never refused. 300 KB of publishes against 100 KB/s with 100 KB of burst: every one is
 * published, the node paused the socket (counted), and the budget cannot have let them all through in under
 * (300 - 100 - one read) / 100 = about 1.2 s: a lower bound the token bucket guarantees, not a speed.
 */
class ReadRateTest {

  private static final int RATE = 100_000;
  private static final int MESSAGES = 30;
  private static final String TEXT = "x".repeat(10_000);
  private static final String PAUSES = "herald_limits_triggered_total{limit=\"read_rate\"}";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("ws.read_bytes_rate", Integer.toString(RATE),
      "ws.read_bytes_burst", Integer.toString(RATE), "ws.publish_rate", "0"));

  /**
   * The least time MESSAGES frames of about 10 KB can take to be read at RATE after a full bucket: the frames
   * of the last read (Netty reads at most 64 KiB at once) are served before their debt is repaid.
   */
  private static final long LEAST_MS = (MESSAGES * 10_000L - RATE - 65_536 - 11_000) * 1000 / RATE;

  @Test
  void aWsClientOverTheReadRateIsSlowedDownAndLosesNothing() {
    double pausesBefore = Metrics.value(node.http(), PAUSES);
    try (WsClient client = node.connect(); WsClient other = node.connect()) {
      long start = System.nanoTime();
      for (int id = 1; id <= MESSAGES; id++) {
        client.send(new JsonObject().put("type", "publish").put("id", id).put("channel", "read-1")
            .put("data", new JsonObject().put("text", TEXT)));
      }
      assertThat(other.request(new JsonObject().put("type", "publish").put("id", 1).put("channel", "read-2").put("data", 1))
          .getString("type")).as("another connection's budget").isEqualTo("published");
      Map<Integer, String> outcomes = new HashMap<>();
      while (outcomes.size() < MESSAGES) {
        JsonObject reply = client.next();
        outcomes.put(reply.getInteger("id"), reply.getString("type"));
      }
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(outcomes.values()).as("nothing refused").containsOnly("published");
      assertThat(tookMs).as("held back to %d bytes/s", RATE).isGreaterThanOrEqualTo(LEAST_MS);
      assertThat(client.isClosed()).isFalse();
    }
    assertThat(Metrics.value(node.http(), PAUSES)).as("socket pauses counted").isGreaterThan(pausesBefore);
  }

  /** 2 KB a second, and a heartbeat far shorter than the pause a 10 KB frame then takes. */
  @RegisterExtension
  static final NodeExtension slowReads = NodeExtension.withSettings(Map.of("ws.read_bytes_rate", "2000",
      "ws.read_bytes_burst", "2000", "ws.publish_rate", "0", "ws.ping_interval_ms", "200", "ws.pong_timeout_ms", "300"));

  /**
   * While the node holds a client's bytes back, the client's pongs wait unread with them: the heartbeat must not
   * take that for a dead client (4011). A 10 KB publish at 2 KB/s pauses reading for about 4 s, over ten times the
   * heartbeat's 500 ms; the client still gets its reply, and the answer to a request sent during the pause.
   */
  @Test
  void aPausedClientIsNotClosedByTheHeartbeat() {
    try (WsClient client = slowReads.connect()) {
      client.send(new JsonObject().put("type", "publish").put("id", 1).put("channel", "read-4")
          .put("data", new JsonObject().put("text", TEXT)));
      assertThat(client.next().getString("type")).isEqualTo("published");
      // Sent once the node has read the large frame (and paused): it waits unread with the pongs.
      client.send(new JsonObject().put("type", "publish").put("id", 2).put("channel", "read-4").put("data", 2));
      JsonObject afterThePause = client.next();
      assertThat(afterThePause.getString("type")).as("the request read after the pause: %s", afterThePause).isEqualTo("published");
      assertThat(afterThePause.getInteger("id")).isEqualTo(2);
      assertThat(client.isClosed()).isFalse();
    }
  }

  @Test
  void aGraphQLClientOverTheReadRateIsSlowedDownAndLosesNothing() {
    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
      long start = System.nanoTime();
      for (int i = 1; i <= MESSAGES; i++) {
        client.subscribe("m" + i, "mutation($d: JSON!) { publish(channel: \"read-3\", data: $d) { offset } }",
            new JsonObject().put("d", new JsonObject().put("text", TEXT)));
      }
      int completed = 0;
      while (completed < MESSAGES) {
        JsonObject message = client.next();
        assertThat(message.getString("type")).as("%s", message).isIn("next", "complete");
        if ("next".equals(message.getString("type"))) {
          assertThat(message.getJsonObject("payload").containsKey("errors")).as("%s", message).isFalse();
        } else {
          completed++;
        }
      }
      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(LEAST_MS);
    }
  }
}
