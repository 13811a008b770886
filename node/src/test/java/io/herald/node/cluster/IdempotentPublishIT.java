package io.herald.node.cluster;

import io.herald.gateway.testing.HttpApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backend publishes with idempotency keys and retries every failed publish on another node while the channel's
 * owner is killed (SIGKILL, no hand-over): each message is published exactly once (message n at offset n, none
 * twice, none lost) and subscribers on the survivors see each once, in order. Keys published before the kill are
 * still known after it: a repeat answers {@code "duplicate": true} with the first offset.
 */
class IdempotentPublishIT {

  private static final long PUBLISH_INTERVAL_MS = 20;
  private static final int MESSAGES = 300;
  private static final int REPEATED_AFTER_THE_KILL = 10;

  private ProcessCluster cluster;
  private List<NodeProcess> nodes;
  private final List<RecoveringSubscriber> subscribers = new ArrayList<>();
  private Vertx vertx;

  @BeforeEach
  void startCluster() {
    vertx = Vertx.vertx();
    cluster = ProcessCluster.start("idempotent", 3);
    nodes = cluster.nodes();
  }

  @AfterEach
  void stopCluster() {
    subscribers.forEach(RecoveringSubscriber::stop);
    cluster.close();
    vertx.close();
  }

  @Test
  void aPublisherRetryingThroughTheOwnersDeathPublishesEachMessageOnce() {
    NodeProcess doomed = nodes.get(2);
    HttpApiClient api = new HttpApiClient(vertx, nodes.get(0).port);
    String channel = channelOwnedBy(api, doomed.nodeId());
    for (int n = 0; n < 2; n++) {
      int port = nodes.get(n).port;
      RecoveringSubscriber s = new RecoveringSubscriber(vertx, channel, () -> port);
      subscribers.add(s);
      s.start();
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> subscribers.stream().allMatch(s -> s.snapshot().subscribed()));
    int[] survivor = {0};
    ContinuousPublisher publisher = ContinuousPublisher.retrying(vertx, channel,
        () -> nodes.get(survivor[0]++ % 2).port, PUBLISH_INTERVAL_MS, MESSAGES);
    publisher.start();
    awaitAcknowledged(publisher, 50);

    doomed.crash();
    awaitAcknowledged(publisher, MESSAGES);

    ContinuousPublisher.Progress progress = publisher.progress();
    assertThat(progress.acknowledged()).as("message n at offset n: none published twice, none lost")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, MESSAGES).boxed().toList());
    Deliveries.assertEveryAcknowledgedMessageDeliveredInOrder(publisher, subscribers);
    assertThat(api.get("/api/channels/" + channel).json().getString("owner")).as("the channel moved").isNotEqualTo(doomed.nodeId());
    for (int i = 1; i <= REPEATED_AFTER_THE_KILL; i++) {
      JsonObject repeat = api.post("/api/publish", new JsonObject().put("channel", channel)
          .put("data", new JsonObject().put("i", i)).put("idempotency_key", "i-" + i)).json();
      assertThat(repeat.getBoolean("duplicate", false)).as("key i-%d outlived its owner", i).isTrue();
      assertThat(repeat.getLong("offset")).isEqualTo(i);
    }
    System.out.printf("idempotent publish through a kill: %d attempts failed and were retried, %d retries answered duplicate%n",
        progress.failed(), progress.duplicates());
  }

  /** A channel that {@code owner} sequences now, as the nodes' channel route says. */
  private static String channelOwnedBy(HttpApiClient api, String owner) {
    for (int i = 0; i < 200; i++) {
      String channel = "idempotent:" + UUID.randomUUID();
      if (owner.equals(api.get("/api/channels/" + channel).json().getString("owner"))) {
        return channel;
      }
    }
    throw new AssertionError("no channel owned by " + owner + " in 200 tries");
  }

  private static void awaitAcknowledged(ContinuousPublisher publisher, int count) {
    Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> publisher.progress().acknowledged().size() >= count);
  }
}
