package io.herald.node.cluster;

import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * herald_publish_to_delivery_seconds across the cluster hop: two clustered nodes (Hazelcast members on loopback, in
 * this JVM) with a subscriber each; a message published on one is timed as hop=local where that node delivers it and
 * as hop=remote on the other, whichever member sequences the channel.
 */
class PublishToDeliveryClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String LOCAL = "herald_publish_to_delivery_seconds_count{hop=\"local\"}";
  private static final String REMOTE = "herald_publish_to_delivery_seconds_count{hop=\"remote\"}";

  @Test
  void eachNodeTimesWhatItAcceptedAsLocalAndWhatAnotherNodeAcceptedAsRemote() {
    Vertx clients = Vertx.vertx();
    try (LoopbackCluster cluster = LoopbackCluster.start("latency", Map.of(), WAIT)) {
      publishOnEachAndCheckTheHops(cluster.one(), cluster.two(), clients);
    } finally {
      TestNode.await(clients.close().toCompletionStage().toCompletableFuture());
    }
  }

  private static void publishOnEachAndCheckTheHops(TestNode one, TestNode two, Vertx clients) {
    HttpApiClient httpOne = one.http(clients);
    HttpApiClient httpTwo = two.http(clients);
    double localOne = Metrics.value(httpOne, LOCAL);
    double remoteOne = Metrics.value(httpOne, REMOTE);
    double localTwo = Metrics.value(httpTwo, LOCAL);
    double remoteTwo = Metrics.value(httpTwo, REMOTE);

    // Several channels: their sequencers are spread over both members, so some publishes cross to the other member
    // to be sequenced and come back, others are sequenced where they were accepted.
    int channels = 6;
    try (WsClient onOne = one.connect(clients); WsClient onTwo = two.connect(clients)) {
      for (int c = 0; c < channels; c++) {
        onOne.subscribe(c + 1, "hop:" + c);
        onTwo.subscribe(c + 1, "hop:" + c);
      }
      for (int c = 0; c < channels; c++) {
        httpOne.publish("hop:" + c, new JsonObject().put("from", "one"));
        onOne.next("message");
        onTwo.next("message");
      }
      for (int c = 0; c < channels; c++) {
        httpTwo.publish("hop:" + c, new JsonObject().put("from", "two"));
        onOne.next("message");
        onTwo.next("message");
      }
    }

    // Counted once the message is written, which the clients saw: the counts are in by now, or are about to be.
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(Metrics.value(httpOne, LOCAL)).as("one delivers what one accepted").isEqualTo(localOne + channels);
      assertThat(Metrics.value(httpOne, REMOTE)).as("one delivers what two accepted").isEqualTo(remoteOne + channels);
      assertThat(Metrics.value(httpTwo, LOCAL)).as("two delivers what two accepted").isEqualTo(localTwo + channels);
      assertThat(Metrics.value(httpTwo, REMOTE)).as("two delivers what one accepted").isEqualTo(remoteTwo + channels);
    });
    for (HttpApiClient http : new HttpApiClient[] {httpOne, httpTwo}) {
      assertThat(Metrics.value(http, "herald_publish_to_delivery_seconds_sum"))
          .as("a positive time, under the test's own duration").isPositive().isLessThan(60.0 * 4 * channels);
    }
  }
}
