package io.herald.gateway.testing;

import io.herald.broker.BrokerVerticle;
import io.herald.broker.impl.InMemoryChannelStore;
import io.herald.broker.impl.LocalPresence;
import io.herald.broker.impl.StoreLimits;
import io.herald.core.BusRejections;
import io.herald.core.EventBusBroker;
import io.herald.core.Membership;
import io.herald.core.RandomIds;
import io.herald.core.codec.Codecs;
import io.herald.core.config.HeraldConfig;
import io.herald.core.tracing.Tracing;
import io.herald.core.webhooks.Webhooks;
import io.herald.gateway.GatewayExtension;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.GatewayVerticle;
import io.herald.gateway.health.NodeState;
import io.herald.gateway.metrics.HeraldMetrics;
import io.herald.gateway.session.ConnectionRegistry;
import io.herald.gateway.session.NodeCommands;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The gateway on a free loopback port, as a standalone node runs it: a real Vert.x (with the node's metrics), the
 * in-memory broker (sequencer shards over {@link InMemoryChannelStore}, {@link LocalPresence}, the node's inbox and
 * bus commands) and the {@link GatewayVerticle}s with their auth and proxy hooks ({@link GatewayVerticle#deploy}).
 *
 * <p>Why it exists: the gateway's tests (and GraphQL's) cannot start {@code HeraldNode}, which lives in
 * {@code node}, a module that depends on this one. What only a node has is left out: the delivery canary (readiness
 * is marked once the gateways listen), clustering, webhooks, startup checks, drain on close, and the node's own
 * gauges ({@code herald_channels}, {@code herald_ready}, ...). Tests of those stay in {@code node}.
 */
public final class TestGateway implements TestServer {

  private static final long BROKER_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final GatewayServices services;
  private final int port;

  private TestGateway(Vertx vertx, GatewayServices services, int port) {
    this.vertx = vertx;
    this.services = services;
    this.port = port;
  }

  /** A gateway with the defaults plus {@code settings} (config keys to values) and no extension. */
  public static TestGateway start(Map<String, String> settings) {
    return start(settings, new JsonObject(), services -> List.of());
  }

  /**
   * A gateway with the defaults plus {@code settings}, {@code namespaces} and the extensions {@code extensions}
   * makes of its services (GraphQL's tests add theirs); fails as the node's start would (a malformed setting).
   */
  public static TestGateway start(Map<String, String> settings, JsonObject namespaces,
                                  Function<GatewayServices, List<GatewayExtension>> extensions) {
    HeraldConfig config = TestServer.config(settings, namespaces);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder().with(HeraldMetrics.vertxOptions()).withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    String node = config.get(HeraldConfig.NODE_ID).isEmpty() ? RandomIds.next(8) : config.get(HeraldConfig.NODE_ID);
    int shards = Math.max(1, config.get(HeraldConfig.BROKER_SHARDS));
    Codecs.register(vertx.eventBus());
    ConnectionRegistry connections = new ConnectionRegistry();
    GatewayServices services = new GatewayServices(node, config,
        new EventBusBroker(vertx, node, channel -> node, shards, BROKER_TIMEOUT_MS), new LocalPresence(),
        Membership.standalone(node), connections, new HeraldMetrics(registry, connections::size), registry, new NodeState(),
        Webhooks.OFF);
    BusRejections rejections = new BusRejections();
    StoreLimits limits = StoreLimits.from(config);
    Future<TestGateway> gateway = BrokerVerticle.deployNode(vertx, node, shards,
            shard -> new InMemoryChannelStore(config.namespaces(), limits, System::currentTimeMillis), false, rejections,
            Webhooks.OFF, Tracing.OFF)
        .compose(v -> NodeCommands.serve(vertx.eventBus(), services, rejections))
        .compose(v -> GatewayVerticle.deploy(vertx, services, extensions.apply(services)))
        .map(gateways -> {
          int port = gateways.get(0).actualPort();
          services.state().markReady(config.get(HeraldConfig.HOST) + ":" + port);
          return new TestGateway(vertx, services, port);
        });
    try {
      return TestServer.await(gateway);
    } catch (RuntimeException e) {
      TestServer.await(vertx.close());
      throw e;
    }
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String nodeId() {
    return services.nodeId();
  }

  /** What the gateways share: config, broker, connections, metrics, readiness. */
  public GatewayServices services() {
    return services;
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    TestServer.await(vertx.close());
  }
}
