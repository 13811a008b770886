package io.herald.node.limits;

import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ws.connect_rate_per_ip (HTTP 429 before the upgrade, per address, loopback exempt by default) and
 * ws.max_connections (accepted, then closed with 4009; /ws and GraphQL together).
 */
class ConnectionLimitsTest {

  private static final int BURST = 3;
  private static final int TOO_MANY_CONNECTIONS = 4009;

  /** 1 new connection a second per address after a burst of 3, loopback included. */
  @RegisterExtension
  static final NodeExtension rated = NodeExtension.withSettings(Map.of("ws.connect_rate_per_ip", "1",
      "ws.connect_burst_per_ip", Integer.toString(BURST), "ws.connect_rate_exempt_loopback", "false"));
  /** The same rate, loopback exempt (the default). */
  @RegisterExtension
  static final NodeExtension exempt = NodeExtension.withSettings(Map.of("ws.connect_rate_per_ip", "1",
      "ws.connect_burst_per_ip", "1"));
  /** Two WebSockets at most. */
  @RegisterExtension
  static final NodeExtension capped = NodeExtension.withSettings(Map.of("ws.max_connections", "2"));

  private static int upgradeFrom(String address, NodeExtension node) {
    return RawWebSocket.upgradeFrom(address, "127.0.0.1", node.port(), "/ws", Map.of()).status();
  }

  @Test
  void newConnectionsFromOneAddressOverTheRateAreRefusedWith429() {
    double before = Metrics.value(rated.http(), "herald_limits_triggered_total{limit=\"connect_rate\"}");
    for (int i = 0; i < BURST; i++) {
      assertThat(upgradeFrom("127.0.0.3", rated)).as("connection %d, within the burst", i + 1).isEqualTo(101);
    }
    // One token a second comes back: a few more attempts, however slow, run out of them.
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 20 && !statuses.contains(429); i++) {
      statuses.add(upgradeFrom("127.0.0.3", rated));
    }
    assertThat(statuses).contains(429).allSatisfy(s -> assertThat(s).isIn(101, 429));

    assertThat(upgradeFrom("127.0.0.4", rated)).as("another address has its own budget").isEqualTo(101);
    assertThat(Metrics.value(rated.http(), "herald_limits_triggered_total{limit=\"connect_rate\"}")).isGreaterThan(before);
  }

  @Test
  void loopbackIsExemptByDefault() {
    for (int i = 0; i < 10; i++) {
      assertThat(upgradeFrom("127.0.0.1", exempt)).isEqualTo(101);
    }
  }

  @Test
  void connectionsOverTheNodeLimitAreClosedWith4009UntilASlotIsFree() {
    try (WsClient first = capped.connect(); WsClient second = capped.connect()) {
      try (RawWebSocket third = RawWebSocket.connect(capped.port())) {
        assertThat(third.skipUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(TOO_MANY_CONNECTIONS);
      }
      try (RawWebSocket graphQL = RawWebSocket.connect(capped.port(), "/graphql", "graphql-transport-ws", 0)) {
        assertThat(graphQL.skipUntil(RawWebSocket.CLOSE).closeCode()).as("GraphQL counts too").isEqualTo(TOO_MANY_CONNECTIONS);
      }
      assertThat(first.framesUntilPong(1)).as("the open ones are served").isEmpty();

      first.close();
      // The slot is free once the first TCP connection is closed; the refused ones never held one.
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (RawWebSocket next = RawWebSocket.connect(capped.port())) {
          RawWebSocket.Frame frame = next.readFrame();
          return frame.opcode() == RawWebSocket.TEXT && "connected".equals(frame.json().getString("type"));
        }
      });
    }
  }
}
