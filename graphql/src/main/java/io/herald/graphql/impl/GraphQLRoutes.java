package io.herald.graphql.impl;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.auth.SecurityPolicy;
import io.herald.gateway.limits.ClientAddresses;
import io.herald.gateway.limits.LimitEvents;
import io.herald.gateway.limits.PublishRateTable;
import io.herald.gateway.transport.ClientSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.graphql.GraphiQLHandler;
import io.vertx.ext.web.handler.graphql.GraphiQLHandlerOptions;

/** GraphQL's routes and WebSockets on one gateway event loop. */
public final class GraphQLRoutes {

  public static final String SUBPROTOCOL = TransportWsConnection.SUBPROTOCOL;

  private final GraphQLEngine engine;
  private final GraphQLMetrics metrics;
  private final GatewayLoop loop;
  private final ShapeCache shapes = new ShapeCache();

  public GraphQLRoutes(GraphQLEngine engine, GraphQLMetrics metrics, GatewayLoop loop) {
    this.engine = engine;
    this.metrics = metrics;
    this.loop = loop;
  }

  public void mount(Router router, String path, long maxBodyBytes) {
    HeraldConfig config = loop.services().config();
    GraphQLHttp http = new GraphQLHttp(engine, metrics, loop.auth(), PublishRateTable.of(loop.vertx(), config,
        LimitEvents.of(loop.vertx(), loop.services().meterRegistry())), ClientAddresses.from(config));
    boolean production = SecurityPolicy.production(config);
    if (production) {
      router.post(path).handler(GraphQLHttp::requireJson);
    }
    router.post(path).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(http);
    router.get(path).handler(http);
    if (production) {
      return; // no GraphiQL in production: /graphiql/ is 404
    }
    // GraphiQL's page and assets ship inside vertx-web-graphql: no CDN needed.
    router.route("/graphiql/*").subRouter(GraphiQLHandler.create(loop.vertx(),
        new GraphiQLHandlerOptions().setEnabled(true).setGraphQLUri(path).setGraphQLWSEnabled(true).setGraphWSQLUri(path)).router());
  }

  public void accept(ClientSocket socket, long upgradeStartNanos) {
    TransportWsConnection.accept(socket, loop, engine, metrics, shapes, upgradeStartNanos);
  }
}
