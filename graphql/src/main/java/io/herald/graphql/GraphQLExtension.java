package io.herald.graphql;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.GatewayExtension;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.GatewayServices;
import io.herald.graphql.impl.GraphQLEngine;
import io.herald.graphql.impl.GraphQLMetrics;
import io.herald.graphql.impl.GraphQLRoutes;
import io.herald.gateway.transport.ClientSocket;
import io.vertx.ext.web.Router;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GraphQL on the node's public port: {@code POST/GET /graphql}, subscriptions over graphql-transport-ws
 * at {@code /graphql}, GraphiQL at {@code /graphiql/}. Mounted on every gateway event loop, so GraphQL
 * subscribers share the loop's channel consumers with /ws subscribers.
 */
public final class GraphQLExtension implements GatewayExtension {

  public static final String PATH = "/graphql";

  private final GraphQLEngine engine;
  private final GraphQLMetrics metrics;
  private final Map<GatewayLoop, GraphQLRoutes> loops = new ConcurrentHashMap<>();

  public GraphQLExtension(GatewayServices services) {
    this.engine = new GraphQLEngine(services);
    this.metrics = new GraphQLMetrics(services.meterRegistry());
  }

  @Override
  public void mount(Router router, GatewayLoop loop) {
    GraphQLRoutes routes = new GraphQLRoutes(engine, metrics, loop);
    loops.put(loop, routes);
    routes.mount(router, PATH, loop.services().config().get(HeraldConfig.HTTP_MAX_BODY_BYTES));
  }

  @Override
  public String webSocketPath() {
    return PATH;
  }

  @Override
  public List<String> webSocketSubProtocols() {
    return List.of(GraphQLRoutes.SUBPROTOCOL);
  }

  @Override
  public void accept(ClientSocket socket, long upgradeStartNanos, GatewayLoop loop) {
    loops.get(loop).accept(socket, upgradeStartNanos);
  }
}
