package io.herald.node;

import com.hazelcast.core.HazelcastInstance;
import io.herald.broker.BrokerVerticle;
import io.herald.broker.cluster.HazelcastChannelStore;
import io.herald.broker.cluster.HazelcastMembership;
import io.herald.broker.cluster.HazelcastPresence;
import io.herald.broker.cluster.MemberIds;
import io.herald.broker.cluster.PartitionRouting;
import io.herald.broker.impl.InMemoryChannelStore;
import io.herald.broker.impl.LocalPresence;
import io.herald.broker.impl.StoreLimits;
import io.herald.core.BusRejections;
import io.herald.core.ChannelStore;
import io.herald.core.CloseCode;
import io.herald.core.EventBusBroker;
import io.herald.core.Membership;
import io.herald.core.Presence;
import io.herald.core.RandomIds;
import io.herald.core.SequencerRouting;
import io.herald.core.codec.Codecs;
import io.herald.core.config.HeraldConfig;
import io.herald.core.webhooks.Webhooks;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.GatewayVerticle;
import io.herald.gateway.health.DeliveryCanary;
import io.herald.gateway.health.NodeState;
import io.herald.gateway.metrics.HeraldMetrics;
import io.herald.gateway.session.ClientSession;
import io.herald.gateway.session.ConnectionRegistry;
import io.herald.gateway.session.NodeCommands;
import io.herald.gateway.webhooks.WebhookDispatcher;
import io.herald.gateway.webhooks.WebhookSettings;
import io.herald.graphql.GraphQLExtension;
import io.herald.node.logging.NodeLogging;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One running Herald node: a Vert.x instance (standalone, or a member of a Hazelcast cluster) with the
 * sequencer shards, the node's inbox, a gateway per event loop and the delivery canary. {@link #start}
 * brings it up; {@link #shutdown} drains it (readiness 503, clients closed with 1001) and stops it,
 * which in a cluster hands its partitions over to the other members.
 */
public final class HeraldNode {

  private static final Logger LOG = LoggerFactory.getLogger(HeraldNode.class);
  /** How long a gateway waits for its sequencer before answering {@code internal}. */
  private static final long BROKER_TIMEOUT_MS = 10_000;
  private static final long DRAIN_POLL_MS = 20;

  private final Vertx vertx;
  private final GatewayServices services;
  private final int port;
  private final NodeTracing tracing;

  private HeraldNode(Vertx vertx, GatewayServices services, int port, NodeTracing tracing) {
    this.vertx = vertx;
    this.services = services;
    this.port = port;
    this.tracing = tracing;
  }

  public static Future<HeraldNode> start(HeraldConfig config) {
    return start(config, null);
  }

  /**
   * As {@link #start(HeraldConfig)}, but with {@code tracing.enabled} the spans go to {@code spans} instead of OTLP at
   * {@code tracing.otlp_endpoint} (null: OTLP): for tests (an in-memory exporter) and embedders with an exporter of
   * their own. No setting names it; without {@code tracing.enabled} nothing is traced and {@code spans} is never used.
   * Everything else about tracing is as configured, sampling included.
   */
  public static Future<HeraldNode> start(HeraldConfig config, SpanExporter spans) {
    List<String> problems = StartupChecks.problems(config);
    if (!problems.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException(String.join("; ", problems)));
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WebhookDispatcher dispatcher = WebhookSettings.enabled(config) ? new WebhookDispatcher(WebhookSettings.from(config), registry) : null;
    Webhooks webhooks = dispatcher == null ? Webhooks.OFF : dispatcher;
    VertxOptions options = HeraldMetrics.vertxOptions();
    NodeTracing tracing = NodeTracing.from(config, spans);
    if (!config.get(HeraldConfig.CLUSTER)) {
      Vertx vertx = builder(options, registry, tracing).build();
      String node = config.get(HeraldConfig.NODE_ID).isEmpty() ? RandomIds.next(8) : config.get(HeraldConfig.NODE_ID);
      return deploy(vertx, config, registry, standalone(node, config), dispatcher, tracing);
    }
    HazelcastClusterManager manager;
    try {
      manager = new HazelcastClusterManager(ClusterConfig.load(config));
      options.setEventBusOptions(ClusterBus.options(config));
    } catch (Exception e) {
      tracing.shutdown();
      return Future.failedFuture(new IllegalArgumentException("cluster config: " + e.getMessage(), e));
    }
    return builder(options, registry, tracing).withClusterManager(manager).buildClustered()
        .onFailure(t -> tracing.shutdown())
        .compose(vertx -> deploy(vertx, config, registry, clustered(vertx, manager.getHazelcastInstance(), config, webhooks),
            dispatcher, tracing));
  }

  /** The node's Vert.x: Micrometer metrics for /metrics, and the tracer when tracing is on. */
  private static VertxBuilder builder(VertxOptions options, PrometheusMeterRegistry registry, NodeTracing tracing) {
    return tracing.vertx(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** Where a node keeps channels and presence, and how it finds a channel's sequencer. */
  private record Backend(Membership membership, SequencerRouting routing, IntFunction<ChannelStore> storeOfShard,
                         Presence presence, boolean clustered, StoreLimits limits) {
  }

  /** Every shard's store shares the node's bounds (broker.max_history_bytes, broker.max_channels). */
  private static Backend standalone(String node, HeraldConfig config) {
    StoreLimits limits = StoreLimits.from(config);
    return new Backend(Membership.standalone(node), channel -> node,
        shard -> new InMemoryChannelStore(config.namespaces(), limits, System::currentTimeMillis), new LocalPresence(),
        false, limits);
  }

  private static Backend clustered(Vertx vertx, HazelcastInstance hazelcast, HeraldConfig config, Webhooks webhooks) {
    StoreLimits limits = StoreLimits.from(config);
    HazelcastChannelStore store = new HazelcastChannelStore(vertx, hazelcast, config.namespaces(), limits,
        System::currentTimeMillis);
    String member = MemberIds.self(hazelcast);
    HazelcastPresence presence = new HazelcastPresence(vertx, hazelcast, member);
    return new Backend(HazelcastMembership.watch(hazelcast, store, presence, webhooks), new PartitionRouting(hazelcast),
        shard -> store, presence, true, limits);
  }

  /** @param dispatcher the node's webhook sender, or null when webhooks are off */
  private static Future<HeraldNode> deploy(Vertx vertx, HeraldConfig config, PrometheusMeterRegistry registry, Backend backend,
                                           WebhookDispatcher dispatcher, NodeTracing tracing) {
    Webhooks webhooks = dispatcher == null ? Webhooks.OFF : dispatcher;
    Codecs.register(vertx.eventBus());
    String member = backend.membership().self();
    String nodeId = config.get(HeraldConfig.NODE_ID).isEmpty()
        ? (backend.clustered() ? member.substring(0, 8) : member) : config.get(HeraldConfig.NODE_ID);
    NodeLogging.nodeId(nodeId);
    tracing.node(nodeId);
    int shards = Math.max(1, config.get(HeraldConfig.BROKER_SHARDS));
    ConnectionRegistry connections = new ConnectionRegistry();
    EventBusBroker broker = new EventBusBroker(vertx, member, backend.routing(), shards, BROKER_TIMEOUT_MS);
    backend.membership().whenRejoined(broker::rewatch);
    NodeState state = new NodeState();
    GatewayServices services = new GatewayServices(nodeId, config, broker, backend.presence(), backend.membership(),
        connections, new HeraldMetrics(registry, connections::size), registry, state, webhooks);
    operationsGauges(registry, backend.membership(), state);
    BusRejections rejections = rejectionsCounter(registry);
    storeGauges(registry, backend.limits());

    // The webhook sender first: the sequencers emit to it.
    Future<?> started = dispatcher == null ? Future.succeededFuture() : vertx.deployVerticle(dispatcher);
    started = started.compose(v -> BrokerVerticle.deployNode(vertx, member, shards, backend.storeOfShard(),
        backend.clustered(), rejections, webhooks, tracing.herald()));
    started = started.compose(v -> NodeCommands.serve(vertx.eventBus(), services, rejections));
    return started
        // A key file that cannot be loaded, or a malformed proxy.* setting, fails the start here.
        .compose(v -> GatewayVerticle.deploy(vertx, services, List.of(new GraphQLExtension(services))))
        .compose(gateways -> vertx.deployVerticle(new DeliveryCanary(broker, state, member,
                config.get(HeraldConfig.HEALTH_CANARY_INTERVAL_MS), config.get(HeraldConfig.HEALTH_CANARY_TIMEOUT_MS)))
            .map(id -> gateways.get(0).actualPort()))
        .map(port -> {
          state.markReady(config.get(HeraldConfig.HOST) + ":" + port);
          return new HeraldNode(vertx, services, port, tracing);
        })
        .onFailure(t -> vertx.close().eventually(tracing::shutdown));
  }

  /**
   * What the Kubernetes alerts need besides the gateway's meters (k8s/base/prometheusrule.yaml): the members
   * this node sees ({@code herald_cluster_members}, 1 standalone) and its readiness as /health/ready
   * answers it ({@code herald_ready}, 1 or 0).
   */
  private static void operationsGauges(PrometheusMeterRegistry registry, Membership membership, NodeState state) {
    Gauge.builder("herald.cluster.members", membership, m -> m.members().size())
        .description("Members of the cluster as this node sees them (1 standalone)").register(registry);
    Gauge.builder("herald.ready", state, s -> s.ready() ? 1 : 0)
        .description("1 while /health/ready answers 200, 0 while it answers 503 (starting, canary failing, draining)")
        .register(registry);
  }

  /** {@code herald_bus_rejected_total{handler}}: event-bus messages refused for a bad channel name, body or header. */
  private static BusRejections rejectionsCounter(PrometheusMeterRegistry registry) {
    BusRejections rejections = new BusRejections();
    for (BusRejections.Handler handler : BusRejections.Handler.values()) {
      FunctionCounter.builder("herald.bus.rejected", rejections, r -> r.count(handler))
          .description("Event-bus messages refused: invalid channel name, body or header (forged or from an incompatible member)")
          .tag("handler", handler.name().toLowerCase()).register(registry);
    }
    return rejections;
  }

  /**
   * What the node's channel store holds against its bounds: {@code herald_channels} and
   * {@code herald_history_bytes} (standalone: counted on every change; in a cluster: this member's owned
   * entries of the channel map and their memory, measured each sweep).
   */
  private static void storeGauges(PrometheusMeterRegistry registry, StoreLimits limits) {
    Gauge.builder("herald.channels", limits, StoreLimits::channels)
        .description("Channels this node's store holds state for (broker.max_channels bounds it)").register(registry);
    Gauge.builder("herald.history.bytes", limits, StoreLimits::historyBytes)
        .description("Bytes of history this node's store retains (broker.max_history_bytes bounds it)").register(registry);
  }

  /** The public port (the bound one when the config asked for port 0). */
  public int port() {
    return port;
  }

  public String nodeId() {
    return services.nodeId();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** How many members the node's cluster has (1 standalone). */
  public int members() {
    return services.membership().members().size();
  }

  /**
   * Drains and stops the node: readiness turns 503, new WebSockets are refused, open ones are closed
   * with 1001 so clients reconnect elsewhere; once their sockets are closed (the clients answered the
   * close), or after {@code shutdown.drain_ms}, Vert.x is closed, which leaves the cluster gracefully
   * (Hazelcast migrates this member's partitions, history included, before it goes); then the last spans are sent
   * (tracing on).
   */
  public Future<Void> shutdown() {
    if (!services.state().startDraining()) {
      return Future.succeededFuture();
    }
    int open = services.connections().size();
    LOG.info("draining: closing {} connections with 1001", open);
    List<Future<Void>> socketsClosed = new ArrayList<>(open);
    for (ClientSession c : services.connections().all()) {
      socketsClosed.add(c.socketClosed());
      c.runOnLoop(() -> c.close(CloseCode.GOING_AWAY));
    }
    long deadline = System.currentTimeMillis() + services.config().get(HeraldConfig.SHUTDOWN_DRAIN_MS);
    Promise<Void> drained = Promise.promise();
    awaitDrained(Future.join(socketsClosed), deadline, drained);
    return drained.future().eventually(() -> vertx.close()).eventually(tracing::shutdown);
  }

  /** A connection leaves the registry as soon as the server closes it, but its socket may still be open. */
  private void awaitDrained(Future<?> socketsClosed, long deadline, Promise<Void> drained) {
    if ((socketsClosed.isComplete() && services.connections().size() == 0) || System.currentTimeMillis() >= deadline) {
      drained.complete();
    } else {
      vertx.setTimer(DRAIN_POLL_MS, id -> awaitDrained(socketsClosed, deadline, drained));
    }
  }
}
