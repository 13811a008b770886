package io.herald.node;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.testing.TestServer;
import io.herald.gateway.testing.WsClient;
import io.herald.node.cluster.NodeProcess;
import io.herald.node.testing.Spans;
import io.herald.node.testing.TestNode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tracing on one node (tracing.enabled; docs/architecture.md, Observability): an HTTP publish is one trace, from the
 * request through the sequencer to one fan-out span for the node, however many subscribers and event loops it
 * reaches; nothing else is traced; off, nothing is installed. The node's spans go to an in-memory exporter
 * ({@link HeraldNode#start(HeraldConfig, io.opentelemetry.sdk.trace.export.SpanExporter)}).
 */
class TracingTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CHANNEL = "news:traced";

  private Vertx clients;
  private TestNode node;
  private final List<WsClient> subscribers = new ArrayList<>();

  @BeforeEach
  void clients() {
    clients = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    subscribers.forEach(WsClient::close);
    if (node != null) {
      node.close();
    }
    TestNode.await(clients.close().toCompletionStage().toCompletableFuture());
  }

  /** Subscribes {@code count} clients, publishes one message over HTTP, and waits until each subscriber has it. */
  private long publishToSubscribers(int count) {
    for (int i = 0; i < count; i++) {
      WsClient subscriber = node.connect(clients);
      subscribers.add(subscriber);
      assertThat(subscriber.subscribe(1, CHANNEL).getString("type")).isEqualTo("subscribed");
    }
    long offset = node.http(clients).publish(CHANNEL, new JsonObject().put("n", 1)).getLong("offset");
    for (WsClient subscriber : subscribers) {
      assertThat(subscriber.next("message").getLong("offset")).isEqualTo(offset);
    }
    return offset;
  }

  /** {@code herald_channels_active}: the node's event loops with subscribers of a channel, summed over its channels. */
  private double channelConsumers() {
    return node.http(clients).get("/metrics").body().toString().lines()
        .filter(line -> line.startsWith("herald_channels_active ")).mapToDouble(line -> Double.parseDouble(line.split(" ")[1]))
        .findFirst().orElseThrow();
  }

  /** Drains and stops the node: its tracing's shutdown exports every span that has ended. */
  private void stopNode() {
    subscribers.forEach(WsClient::close);
    subscribers.clear();
    node.close();
    node = null;
  }

  @Test
  void anHttpPublishIsOneTraceFromTheRequestThroughTheSequencerToOneFanOutSpanForTheNode() {
    Spans spans = new Spans();
    // Three event loops sharing a port (port 0 would give each loop a port of its own), and connections spread over
    // them: the channel has a consumer on several loops.
    node = TestNode.start(Map.of("tracing.enabled", "true", "gateway.instances", "3",
        "port", Integer.toString(NodeProcess.freePort())), spans);
    String nodeId = node.nodeId();
    long offset = publishToSubscribers(3);
    assertThat(channelConsumers()).as("event loops with a consumer of the channel").isGreaterThan(1);

    List<SpanData> trace = await().atMost(WAIT).until(() -> Spans.trace(spans.all(), "/api/publish"), t -> !t.isEmpty());
    List<SpanData> fanouts = Spans.named(trace, Spans.FANOUT);
    assertThat(fanouts).as("one fan-out span for the node, not one per subscriber or event loop").hasSize(1);
    SpanData fanout = fanouts.get(0);
    assertThat(Spans.describe(Spans.ancestry(trace, fanout))).as("the fan-out, up to the trace's root").containsExactly(
        "CONSUMER herald.fanout",
        "SERVER send herald.seq.*",          // the sequencer's receive (Vert.x)
        "CLIENT send herald.seq.*",          // the gateway's request to it (Vert.x)
        "SERVER POST /api/publish");         // the HTTP request (Vert.x): the root
    assertThat(fanout.getAttributes().get(Spans.NODE)).isEqualTo(nodeId);
    assertThat(fanout.getAttributes().get(io.herald.core.tracing.Tracing.CHANNEL)).isEqualTo(CHANNEL);
    assertThat(fanout.getAttributes().get(io.herald.core.tracing.Tracing.OFFSET)).isEqualTo(offset);

    stopNode();
    assertThat(spans.all()).as("everything the node ever traced: the publish's four spans, nothing of the subscribes,"
            + " the deliveries or the canary").hasSize(4)
        .allSatisfy(s -> {
          assertThat(s.getTraceId()).isEqualTo(fanout.getTraceId());
          assertThat(s.getAttributes().get(Spans.NODE)).as("service %s", s.getResource()).isEqualTo(nodeId);
          assertThat(s.getResource().getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("service.name")))
              .isEqualTo("herald");
        });
  }

  @Test
  void healthProbesAndMetricsScrapesAreNotTraced() {
    Spans spans = new Spans();
    node = TestNode.start(Map.of("tracing.enabled", "true"), spans);
    assertThat(node.http(clients).get("/health/ready").status()).isEqualTo(200);
    assertThat(node.http(clients).get("/metrics").status()).isEqualTo(200);
    assertThat(node.http(clients).get("/api/info").status()).isEqualTo(200);

    String traced = await().atMost(WAIT).until(() -> Spans.trace(spans.all(), "/api/info"), t -> !t.isEmpty()).get(0)
        .getTraceId();
    stopNode();
    assertThat(spans.all()).as("the request to /api/info only").allMatch(s -> s.getTraceId().equals(traced));
  }

  @Test
  void offNoTracerIsInstalledAndNothingIsTraced() {
    Spans spans = new Spans();
    node = TestNode.start(Map.of(), spans);
    assertThat(((VertxInternal) node.node().vertx()).tracer()).as("Vert.x's tracer").isNull();

    publishToSubscribers(2);
    stopNode();
    assertThat(spans.all()).as("spans exported, even by the node's shutdown").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "http://collector:4318,                      http://collector:4318/v1/traces",
      "http://collector:4318/,                     http://collector:4318/v1/traces",
      "https://otlp.example.com/custom/v1/traces,  https://otlp.example.com/custom/v1/traces",
  })
  void theEndpointIsACollectorsBaseUrlOrItsTracesUrl(String endpoint, String traces) {
    assertThat(NodeTracing.tracesUrl(endpoint)).isEqualTo(traces);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"collector:4318", "grpc://collector:4317", "http://", "http://collector:4318?x=1", "not a url"})
  void aNodeWithTracingOnRefusesAnEndpointThatIsNoHttpUrl(String endpoint) {
    HeraldConfig config = TestServer.config(Map.of("tracing.enabled", "true", "tracing.otlp_endpoint", endpoint), new JsonObject());

    assertThatThrownBy(() -> TestServer.await(HeraldNode.start(config)))
        .hasMessageContaining("tracing.otlp_endpoint: an http or https URL");
    assertThat(StartupChecks.problems(config.with(HeraldConfig.TRACING_ENABLED, false))).as("tracing off").isEmpty();
  }
}
