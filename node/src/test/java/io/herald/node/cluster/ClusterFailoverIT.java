package io.herald.node.cluster;

import io.herald.gateway.testing.HttpApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes die and restart under continuous publishing, and clients that recover lose nothing: a crash
 * (SIGKILL, no hand-over) and a rolling restart (SIGTERM, drain, rejoin) of a 3-node cluster, each node
 * its own process.
 */
class ClusterFailoverIT {

  private static final String CHANNEL_PREFIX = "failover:";
  private static final int SUBSCRIBERS_PER_NODE = 2;
  /** 50 msg/s: sparse enough for a 2-core machine running three nodes, dense enough to publish through every transition. */
  private static final long PUBLISH_INTERVAL_MS = 20;

  private ProcessCluster cluster;
  private List<NodeProcess> nodes;
  private final List<RecoveringSubscriber> subscribers = new ArrayList<>();
  private final AtomicInteger roundRobin = new AtomicInteger();
  private Vertx vertx;

  @BeforeEach
  void startCluster() {
    vertx = Vertx.vertx();
    cluster = ProcessCluster.start("failover", 3);
    nodes = cluster.nodes();
  }

  @AfterEach
  void stopCluster() {
    subscribers.forEach(RecoveringSubscriber::stop);
    cluster.close();
    vertx.close();
  }

  @Test
  void aCrashedNodeLosesNothingForSurvivorsAndRecoveringClientsAndLeavesPresence() {
    String channel = CHANNEL_PREFIX + UUID.randomUUID();
    NodeProcess doomed = nodes.get(2);
    String doomedId = doomed.nodeId();
    subscribeOnEveryNode(channel);
    HttpApiClient survivorApi = new HttpApiClient(vertx, nodes.get(0).port);
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> survivorApi.get("/api/channels/" + channel + "/presence").json().getJsonArray("clients").size()
            == SUBSCRIBERS_PER_NODE * nodes.size());
    ContinuousPublisher publisher = new ContinuousPublisher(vertx, channel, () -> nodes.get(0).port, PUBLISH_INTERVAL_MS, 600);
    publisher.start();
    awaitAcknowledged(publisher, 50);

    doomed.crash();
    long crashedAt = System.currentTimeMillis();
    awaitAcknowledged(publisher, publisher.progress().acknowledged().size() + 100);
    publisher.stop();

    assertEveryAcknowledgedMessageDeliveredInOrder(publisher);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
      JsonArray clients = survivorApi.get("/api/channels/" + channel + "/presence").json().getJsonArray("clients");
      return clients.size() == SUBSCRIBERS_PER_NODE * nodes.size()
          && clients.stream().noneMatch(c -> doomedId.equals(((JsonObject) c).getString("node")));
    });
    System.out.printf("crash: the dead node's clients left presence within %d ms of the kill%n", System.currentTimeMillis() - crashedAt);
  }

  @Test
  void aRollingRestartOfEveryNodeLosesNothingForRecoveringClients() {
    String channel = CHANNEL_PREFIX + UUID.randomUUID();
    subscribeOnEveryNode(channel);
    ContinuousPublisher publisher = new ContinuousPublisher(vertx, channel, this::nextLivePort, PUBLISH_INTERVAL_MS, 5_000);
    publisher.start();
    awaitAcknowledged(publisher, 30);

    for (int i = 0; i < nodes.size(); i++) {
      NodeProcess old = nodes.get(i);
      old.stop();
      assertThat(old.said("stopped")).as("stopped: %s", old.output()).isTrue();
      cluster.replace(i);
      awaitAcknowledged(publisher, publisher.progress().acknowledged().size() + 30);
    }
    publisher.stop();

    assertEveryAcknowledgedMessageDeliveredInOrder(publisher);
    assertThat(new HttpApiClient(vertx, nodes.get(0).port).get("/api/info").json().getJsonArray("nodes")).hasSize(3);
  }

  private void subscribeOnEveryNode(String channel) {
    for (int n = 0; n < nodes.size(); n++) {
      for (int i = 0; i < SUBSCRIBERS_PER_NODE; i++) {
        int first = n;
        AtomicInteger attempts = new AtomicInteger();
        // First on node n; after a disconnect, on whichever node is up next.
        RecoveringSubscriber s = new RecoveringSubscriber(vertx, channel,
            () -> attempts.getAndIncrement() == 0 ? nodes.get(first).port : nextLivePort());
        subscribers.add(s);
        s.start();
      }
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> subscribers.stream().allMatch(s -> s.snapshot().subscribed()));
  }

  private int nextLivePort() {
    for (int i = 0; i < nodes.size(); i++) {
      NodeProcess candidate = nodes.get(Math.floorMod(roundRobin.getAndIncrement(), nodes.size()));
      if (candidate.alive()) {
        return candidate.port;
      }
    }
    return nodes.get(0).port;
  }

  private static void awaitAcknowledged(ContinuousPublisher publisher, int count) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> publisher.progress().acknowledged().size() >= count);
  }

  private void assertEveryAcknowledgedMessageDeliveredInOrder(ContinuousPublisher publisher) {
    Deliveries.assertEveryAcknowledgedMessageDeliveredInOrder(publisher, subscribers);
  }

}
