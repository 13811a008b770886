package io.herald.node.delivery;

import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code HeraldNode.shutdown()}: every client gets 1001; until the clients have closed their side (at
 * most {@code shutdown.drain_ms}) the node still serves, with readiness 503 and new WebSockets refused.
 */
class DrainTest {

  /** Each test starts its node with its own drain deadline; closing it after the drain returns at once. */
  @RegisterExtension
  final NodeExtension node = NodeExtension.startedByEachTest();

  @Test
  void clientThatNeverClosesItsSideHoldsTheDrainUntilDrainMs() throws Exception {
    long drainMs = 3_000;
    node.start(Map.of("shutdown.drain_ms", Long.toString(drainMs)));
    HttpApiClient http = node.http();
    assertThat(http.get("/health/ready").status()).isEqualTo(200);
    List<WsClient> clients = List.of(node.connect(), node.connect());
    clients.get(0).subscribe(1, "drain");
    try (RawWebSocket lingering = RawWebSocket.connect(node.port())) {
      lingering.next("connected");

      CompletableFuture<Void> shutdown = startShutdown();
      for (WsClient client : clients) {
        assertThat(client.awaitClose()).isEqualTo((short) 1001);
      }
      assertThat(lingering.skipUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1001);

      // The lingering client does not answer the close, so the node is still draining, and says so.
      HttpApiClient.Response ready = http.get("/health/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().getString("status")).isEqualTo("DOWN");
      assertThat(RawWebSocket.upgradeStatus(node.port())).as("status of a new /ws upgrade").isEqualTo(503);
      assertThat(shutdown).isNotDone();

      shutdown.get(drainMs + 5_000, TimeUnit.MILLISECONDS);
    } finally {
      clients.forEach(WsClient::close);
    }
  }

  @Test
  void drainEndsOnceTheLastClientHasClosedItsSide() throws Exception {
    // A deadline the test would never reach: the drain must end because the clients left.
    node.start(Map.of("shutdown.drain_ms", "60000"));
    try (WsClient client = node.connect();
         RawWebSocket lingering = RawWebSocket.connect(node.port())) {
      lingering.next("connected");

      CompletableFuture<Void> shutdown = startShutdown();
      assertThat(client.awaitClose()).isEqualTo((short) 1001);
      assertThat(lingering.skipUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1001);
      assertThat(node.http().get("/health/ready").status()).isEqualTo(503);
      assertThat(shutdown).isNotDone();

      lingering.close();
      shutdown.get(20, TimeUnit.SECONDS);
    }
  }

  private CompletableFuture<Void> startShutdown() {
    return node.node().shutdown().toCompletionStage().toCompletableFuture();
  }
}
