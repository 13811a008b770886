package io.herald.node;

import io.herald.broker.BrokerVerticle;
import io.herald.broker.impl.InMemoryHistory;
import io.herald.broker.impl.LocalPresence;
import io.herald.core.CloseCode;
import io.herald.core.EventBusBroker;
import io.herald.core.RandomIds;
import io.herald.core.codec.Codecs;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.ConnectionRegistry;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.GatewayVerticle;
import io.herald.gateway.HeraldMetrics;
import io.herald.gateway.NodeState;
import io.herald.gateway.WebSocketSession;
import io.herald.graphql.GraphQLExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One running Herald node: a Vert.x instance with the sequencer shards and a gateway per event loop.
 * {@link #start} brings it up; {@link #shutdown} drains it (readiness 503, clients closed with 1001)
 * and stops it.
 */
public final class HeraldNode {

  private static final Logger LOG = LoggerFactory.getLogger(HeraldNode.class);
  /** How long a gateway waits for its sequencer before answering {@code internal}. */
  private static final long BROKER_TIMEOUT_MS = 10_000;
  private static final long DRAIN_POLL_MS = 20;

  private final Vertx vertx;
  private final GatewayServices services;
  private final int port;

  private HeraldNode(Vertx vertx, GatewayServices services, int port) {
    this.vertx = vertx;
    this.services = services;
    this.port = port;
  }

  public static Future<HeraldNode> start(HeraldConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    Codecs.register(vertx.eventBus());

    String nodeId = config.get(HeraldConfig.NODE_ID).isEmpty() ? RandomIds.next(8) : config.get(HeraldConfig.NODE_ID);
    int shards = Math.max(1, config.get(HeraldConfig.BROKER_SHARDS));
    ConnectionRegistry connections = new ConnectionRegistry();
    GatewayServices services = new GatewayServices(nodeId, config, new EventBusBroker(vertx, shards, BROKER_TIMEOUT_MS),
        new LocalPresence(), connections, new HeraldMetrics(registry, connections), registry, new NodeState());

    Future<?> brokers = Future.succeededFuture();
    for (int shard = 0; shard < shards; shard++) {
      int s = shard;
      brokers = brokers.compose(v -> vertx.deployVerticle(
          new BrokerVerticle(s, new InMemoryHistory(config.namespaces(), System::currentTimeMillis))));
    }
    int instances = config.get(HeraldConfig.GATEWAY_INSTANCES) > 0
        ? config.get(HeraldConfig.GATEWAY_INSTANCES) : Runtime.getRuntime().availableProcessors();
    List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
    GraphQLExtension graphQL = new GraphQLExtension(services);
    return brokers
        .compose(v -> vertx.deployVerticle(() -> {
          GatewayVerticle g = new GatewayVerticle(services, List.of(graphQL));
          gateways.add(g);
          return g;
        }, new DeploymentOptions().setInstances(instances)))
        .map(id -> {
          int port = gateways.get(0).actualPort();
          services.state().markReady(config.get(HeraldConfig.HOST) + ":" + port);
          return new HeraldNode(vertx, services, port);
        })
        .onFailure(t -> vertx.close());
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

  /**
   * Drains and stops the node: readiness turns 503, new WebSockets are refused, open ones are closed
   * with 1001 so clients reconnect elsewhere; once their sockets are closed (the clients answered the
   * close), or after {@code shutdown.drain_ms}, Vert.x is closed.
   */
  public Future<Void> shutdown() {
    if (!services.state().startDraining()) {
      return Future.succeededFuture();
    }
    int open = services.connections().size();
    LOG.info("draining: closing {} connections with 1001", open);
    List<Future<Void>> socketsClosed = new ArrayList<>(open);
    for (WebSocketSession c : services.connections().all()) {
      socketsClosed.add(c.socketClosed());
      c.runOnLoop(() -> c.close(CloseCode.GOING_AWAY));
    }
    long deadline = System.currentTimeMillis() + services.config().get(HeraldConfig.SHUTDOWN_DRAIN_MS);
    Promise<Void> drained = Promise.promise();
    awaitDrained(Future.join(socketsClosed), deadline, drained);
    return drained.future().eventually(() -> vertx.close());
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
