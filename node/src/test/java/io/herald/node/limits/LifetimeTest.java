package io.herald.node.limits;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ws.max_lifetime_ms: a connection is closed with 4010 once its lifetime is over, whatever it does, and
 * the client reconnects and recovers what it missed with {@code since}.
 */
class LifetimeTest {

  private static final short LIFETIME_REACHED = 4010;

  /** A short lifetime, and a short ping interval so that the sweep that enforces it runs often. */
  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("ws.max_lifetime_ms", "300",
      "ws.ping_interval_ms", "1000"));

  @Test
  void connectionIsClosedWith4010AndTheClientRecoversOnReconnect() {
    double before = Metrics.value(node.http(), "herald_limits_triggered_total{limit=\"lifetime\"}");
    JsonObject subscribed;
    try (WsClient client = node.connect()) {
      subscribed = client.subscribe(1, "lifetime");
      assertThat(client.awaitClose()).isEqualTo(LIFETIME_REACHED);
    }
    node.http().publish("lifetime", "missed while away");

    try (WsClient again = node.connect()) {
      JsonObject since = new JsonObject().put("epoch", subscribed.getString("epoch")).put("offset", subscribed.getLong("offset"));
      JsonObject resubscribed = again.request(new JsonObject().put("type", "subscribe").put("id", 2)
          .put("channel", "lifetime").put("since", since));
      assertThat(resubscribed.getBoolean("recovered")).isTrue();
      assertThat(again.next("message").getString("data")).isEqualTo("missed while away");
    }
    assertThat(Metrics.value(node.http(), "herald_limits_triggered_total{limit=\"lifetime\"}")).isGreaterThanOrEqualTo(before + 1);
  }

  @Test
  void graphQLConnectionsHaveTheSameLifetime() {
    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
      assertThat(client.awaitClose()).isEqualTo(LIFETIME_REACHED);
    }
  }
}
