package io.herald.node.cluster;

import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.TestNode;
import io.herald.node.testing.WebhookBackend;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Occupancy is cluster-wide: two clustered nodes (Hazelcast members on loopback, in this JVM) report to one real HTTP
 * backend; a channel is occupied once by its first subscriber on any node and vacated once the last one anywhere is
 * gone, including when the node of the last one dies.
 */
class WebhooksClusterTest {

  private static final String SECRET = "a cluster webhook secret";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Vertx clients;
  private WebhookBackend backend;
  private LoopbackCluster cluster;
  private TestNode one;
  private TestNode two;

  @BeforeEach
  void startCluster() {
    clients = Vertx.vertx();
    backend = WebhookBackend.start(clients);
    cluster = LoopbackCluster.start("webhooks",
        Map.of("webhooks.url", backend.url(), "webhooks.secret", SECRET, "webhooks.batch_ms", "0"), WAIT);
    one = cluster.one();
    two = cluster.two();
  }

  @AfterEach
  void stopCluster() {
    try {
      cluster.close();
    } finally {
      backend.close();
      TestNode.await(clients.close().toCompletionStage().toCompletableFuture());
    }
  }

  @Test
  void aChannelIsOccupiedByTheFirstSubscriberOnAnyNodeAndVacatedByTheLastOneAnywhere() {
    String channel = "room:cluster";
    try (WsClient onOne = one.connect(clients); WsClient onTwo = two.connect(clients)) {
      onOne.subscribe(1, channel);
      await().atMost(WAIT).until(() -> backend.events("channel_occupied", channel).size() == 1);
      onTwo.subscribe(1, channel);
      onOne.request(new JsonObject().put("type", "unsubscribe").put("id", 2).put("channel", channel));
      long lastOneLeaves = System.currentTimeMillis();
      onTwo.close();

      await().atMost(WAIT).until(() -> backend.events("channel_vacated", channel).size() == 1);
      assertThat(backend.events("channel_vacated", channel).get(0).getLong("ts"))
          .as("vacated by the last subscriber in the cluster, not the first to leave").isGreaterThanOrEqualTo(lastOneLeaves);
      // The channel's owner reports both, in order: once the vacated is in, an occupied by the second node would be too.
      assertThat(backend.events("channel_occupied", channel)).as("a subscriber on another node occupies nothing").hasSize(1);
    }
    backend.requests().forEach(r -> assertThat(r.signature()).isEqualTo(WebhookBackend.expectedSignature(SECRET, r.body())));
    assertThat(backend.acknowledgedEvents()).extracting(e -> e.getString("channel")).containsOnly(channel);
  }

  @Test
  void theChannelsOfANodeThatDiesAreVacatedByASurvivor() {
    String channel = "room:orphaned";
    WsClient onTwo = two.connect(clients);
    onTwo.subscribe(1, channel);
    await().atMost(WAIT).until(() -> backend.events("channel_occupied", channel).size() == 1);

    // A crash: no drain, no unwatch, no graceful leave; the survivor's membership listener forgets the dead member.
    HazelcastClusterManager manager = (HazelcastClusterManager) ((VertxInternal) two.node().vertx()).clusterManager();
    manager.getHazelcastInstance().getLifecycleService().terminate();
    TestNode.await(two.node().vertx().close().toCompletionStage().toCompletableFuture());
    cluster.twoGone();
    two = null;

    await().atMost(WAIT).until(() -> backend.events("channel_vacated", channel).size() == 1);
    List<String> types = backend.events("channel_vacated", channel).stream().map(e -> e.getString("type")).toList();
    assertThat(types).containsExactly("channel_vacated");
    onTwo.close();
  }
}
