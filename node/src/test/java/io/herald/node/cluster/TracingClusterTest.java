package io.herald.node.cluster;

import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.Spans;
import io.herald.node.testing.TestNode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An HTTP publish in a cluster (two Hazelcast members on loopback, in this JVM, each with its own in-memory span
 * exporter) is one trace across both: the channel's owner sequences it and fans it out itself and, through the
 * other node's inbox, there, one fan-out span on each node whichever of them owns the channel.
 */
class TracingClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CHANNEL = "news:cluster-traced";

  private final Vertx clients = Vertx.vertx();
  private TestNode one;
  private TestNode two;

  @AfterEach
  void stopCluster() {
    try {
      if (two != null) {
        two.close();
      }
      if (one != null) {
        one.close();
      }
    } finally {
      TestNode.await(clients.close().toCompletionStage().toCompletableFuture());
    }
  }

  @Test
  void thePublishIsOneTraceWithAFanOutSpanOnEachNode() {
    int port = NodeProcess.freePortRange();
    Map<String, String> settings = Map.of("cluster", "true", "cluster.name", "tracing-" + UUID.randomUUID(),
        "cluster.port", Integer.toString(port), "cluster.members", "127.0.0.1:" + port + ",127.0.0.1:" + (port + 1),
        "tracing.enabled", "true");
    Spans onOne = new Spans();
    Spans onTwo = new Spans();
    one = TestNode.start(settings, onOne);
    two = TestNode.start(settings, onTwo);
    await().atMost(WAIT).until(() -> one.node().members() == 2 && two.node().members() == 2);
    String idOne = one.nodeId();
    String idTwo = two.nodeId();

    List<SpanData> trace;
    try (WsClient subscriberOnOne = one.connect(clients); WsClient subscriberOnTwo = two.connect(clients)) {
      subscriberOnOne.subscribe(1, CHANNEL);
      subscriberOnTwo.subscribe(1, CHANNEL);
      long offset = one.http(clients).publish(CHANNEL, new JsonObject().put("n", 1)).getLong("offset");
      assertThat(subscriberOnOne.next("message").getLong("offset")).isEqualTo(offset);
      assertThat(subscriberOnTwo.next("message").getLong("offset")).isEqualTo(offset);

      trace = await().atMost(WAIT).until(() -> Spans.trace(both(onOne, onTwo), "/api/publish"),
          t -> Spans.named(t, Spans.FANOUT).size() == 2);
    }

    List<SpanData> fanouts = Spans.named(trace, Spans.FANOUT);
    assertThat(fanouts).extracting(s -> s.getAttributes().get(Spans.NODE)).as("one fan-out span on each node")
        .containsExactlyInAnyOrder(idOne, idTwo);
    // The owner's fan-out continues its sequencer's span; the other node's, the receive of its inbox.
    List<String> owners = List.of(
        "CONSUMER herald.fanout",
        "SERVER send herald.seq.*",
        "CLIENT send herald.seq.*",
        "SERVER POST /api/publish");
    List<String> others = List.of(
        "CONSUMER herald.fanout",
        "SERVER send herald.node.*",
        "CLIENT send herald.node.*",
        "SERVER send herald.seq.*",
        "CLIENT send herald.seq.*",
        "SERVER POST /api/publish");
    assertThat(fanouts).extracting(s -> Spans.describe(Spans.ancestry(trace, s))).containsExactlyInAnyOrder(owners, others);
    for (SpanData fanout : fanouts) {
      SpanData received = Spans.parent(trace, fanout);
      assertThat(received.getAttributes().get(Spans.NODE)).as("%s's parent: on the same node", Spans.describe(received))
          .isEqualTo(fanout.getAttributes().get(Spans.NODE));
    }
    SpanData request = Spans.ancestry(trace, fanouts.get(0)).get(owners.size() - 1);
    assertThat(request.getAttributes().get(Spans.NODE)).as("the request's node").isEqualTo(idOne);

    two.close();
    two = null;
    one.close();
    one = null;
    List<SpanData> everything = both(onOne, onTwo);
    assertThat(everything).as("all the cluster traced: the publish's seven spans, nothing of the subscribes, the"
        + " watches or the canaries").hasSize(7).allMatch(s -> s.getTraceId().equals(request.getTraceId()));
  }

  private static List<SpanData> both(Spans onOne, Spans onTwo) {
    List<SpanData> all = new ArrayList<>(onOne.all());
    all.addAll(onTwo.all());
    return all;
  }
}
