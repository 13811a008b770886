package io.herald.gateway;

import io.herald.core.ErrorCode;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.NodeAuth;
import io.herald.gateway.auth.SecurityPolicy;
import io.herald.gateway.delivery.ChannelHub;
import io.herald.gateway.hooks.ProxyHooks;
import io.herald.gateway.http.HttpApi;
import io.herald.gateway.http.HttpConnections;
import io.herald.gateway.http.HttpErrors;
import io.herald.gateway.http.WebConsole;
import io.herald.gateway.limits.ClientAddresses;
import io.herald.gateway.limits.HostPolicy;
import io.herald.gateway.limits.HttpConnectionLimits;
import io.herald.gateway.limits.LimitEvents;
import io.herald.gateway.metrics.LoopLag;
import io.herald.gateway.session.Heartbeats;
import io.herald.gateway.sse.SseEndpoint;
import io.herald.gateway.transport.VertxUpgrade;
import io.herald.gateway.ws.WebSocketEndpoint;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The public port of a node: /ws, /api/*, /metrics, /health/* and the web console at /. One instance per event loop;
 * Vert.x spreads accepted connections over the instances, which all build the same router.
 */
public class GatewayVerticle extends VerticleBase {

  private final GatewayServices services;
  private final List<GatewayExtension> extensions;
  private final NodeAuth auth;
  private final ProxyHooks hooks;
  private Heartbeats heartbeats;
  private LoopLag loopLag;
  private HttpServer server;
  private HttpServer adminServer;

  /** @param auth the node's auth state and {@code hooks} its proxy hooks, both shared by its gateway instances */
  public GatewayVerticle(GatewayServices services, NodeAuth auth, ProxyHooks hooks, List<GatewayExtension> extensions) {
    this.services = services;
    this.auth = auth;
    this.hooks = hooks;
    this.extensions = List.copyOf(extensions);
  }

  /**
   * Deploys a node's gateways: its {@link NodeAuth} (key files are read here, off the event loop; a key that cannot be
   * loaded fails the deployment), its {@link ProxyHooks} (a malformed {@code proxy.*} setting fails it), then
   * {@code gateway.instances} gateways sharing them and {@code extensions} (one per event loop when 0). Completes
   * with the gateways once every one listens.
   */
  public static Future<List<GatewayVerticle>> deploy(Vertx vertx, GatewayServices services,
                                                     List<GatewayExtension> extensions) {
    HeraldConfig config = services.config();
    int instances = config.get(HeraldConfig.GATEWAY_INSTANCES) > 0
        ? config.get(HeraldConfig.GATEWAY_INSTANCES) : Runtime.getRuntime().availableProcessors();
    List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
    return vertx.executeBlocking(() -> NodeAuth.create(vertx, config, services.meterRegistry()))
        .compose(auth -> {
          ProxyHooks hooks = new ProxyHooks(vertx, config, services.meterRegistry());
          return vertx.deployVerticle(() -> {
            GatewayVerticle g = new GatewayVerticle(services, auth, hooks, extensions);
            gateways.add(g);
            return g;
          }, new DeploymentOptions().setInstances(instances));
        })
        .map(id -> List.copyOf(gateways));
  }

  @Override
  public Future<?> start() {
    HeraldConfig config = services.config();
    heartbeats = new Heartbeats(vertx, config.get(HeraldConfig.WS_PING_INTERVAL_MS), config.get(HeraldConfig.WS_PONG_TIMEOUT_MS));
    heartbeats.start();
    loopLag = new LoopLag(vertx, services.meterRegistry());
    loopLag.start();
    GatewayLoop loop = new GatewayLoop(vertx, services, new ChannelHub(context, services.broker(), services.metrics()),
        heartbeats, auth, hooks);

    Router router = Router.router(vertx);
    LimitEvents limits = LimitEvents.of(vertx, services.meterRegistry());
    try {
      hostCheck(router, HostPolicy.from(config), ClientAddresses.from(config), limits);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e); // a malformed http.trusted_proxies entry stops the node
    }
    WebSocketEndpoint webSockets = new WebSocketEndpoint(loop, extensions);
    router.get(WebSocketEndpoint.PATH).handler(ctx ->
        HttpErrors.send(ctx, ErrorCode.BAD_REQUEST, WebSocketEndpoint.PATH + " expects a WebSocket upgrade request"));
    SseEndpoint eventStreams = new SseEndpoint(loop);
    eventStreams.mount(router);
    int adminPort = config.get(HeraldConfig.ADMIN_PORT);
    // With an admin port, /api/* and /metrics are served there only; the public port answers them 404.
    Router admin = adminPort == 0 ? router : Router.router(vertx);
    new HttpApi(services, auth.apiKeys()).mount(admin);
    // In production /metrics never goes on the public port: without an admin port it is not served.
    if (adminPort != 0 || !SecurityPolicy.production(config)) {
      admin.get("/metrics").handler(PrometheusScrapingHandler.create(services.meterRegistry()));
    }
    extensions.forEach(e -> e.mount(router, loop));
    router.get("/health/live").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> {
      boolean ready = services.state().ready();
      ctx.response().setStatusCode(ready ? 200 : 503);
      ctx.json(new io.vertx.core.json.JsonObject().put("status", ready ? "UP" : "DOWN"));
    });
    // The web console: on the public port only (it talks to /ws there), off in production unless chosen.
    if (SecurityPolicy.console(config)) {
      WebConsole.mount(router);
    }
    errorHandlers(router);

    // WebSocket upgrades never reach Vert.x's WebSocket code: they are taken from the pipeline (VertxUpgrade).
    VertxUpgrade upgrades = new VertxUpgrade(webSockets::handshake, eventStreams,
        extensions.stream().flatMap(e -> e.webSocketSubProtocols().stream()).toList(),
        config.get(HeraldConfig.WS_MAX_FRAME_BYTES), config.get(HeraldConfig.WS_OUTBOUND_QUEUE_BYTES));
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.get(HeraldConfig.HOST))
        .setPort(config.get(HeraldConfig.PORT))
        // Compression costs CPU per subscriber and opens the door to decompression bombs. (Vert.x's extension
        // handler sits in every HTTP/1.x pipeline when on, and would negotiate it on the upgrades taken from it.)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // h2c multiplexes requests past the per-connection deadlines and is set up only once bytes arrive.
        .setHttp2ClearTextEnabled(config.get(HeraldConfig.HTTP_H2C))
        .setTcpNoDelay(true);
    HttpConnections connections = new HttpConnections(HttpConnectionLimits.of(vertx, config), limits, config);
    Future<?> adminStarted = Future.succeededFuture();
    if (adminPort != 0) {
      errorHandlers(admin);
      adminStarted = vertx.createHttpServer(new HttpServerOptions().setHost(config.get(HeraldConfig.ADMIN_HOST))
              .setPort(adminPort).setTcpNoDelay(true).setHttp2ClearTextEnabled(false))
          // The admin port gets the slow-client deadlines too, but not the public port's caps.
          .connectionHandler(new HttpConnections(HttpConnectionLimits.uncapped(), limits, config)::accept)
          .requestHandler(admin).listen().onSuccess(s -> adminServer = s);
    }
    return adminStarted.compose(v -> vertx.createHttpServer(options)
        .connectionHandler(connection -> {
          connections.accept(connection);
          upgrades.intercept(connection);
        })
        .requestHandler(router)
        .listen().onSuccess(s -> server = s));
  }

  /** {@code http.allowed_hosts}: first on the public router, so no route answers another Host (upgrades: WebSocketEndpoint). */
  private static void hostCheck(Router router, HostPolicy hosts, ClientAddresses addresses, LimitEvents limits) {
    if (hosts.allowsAny()) {
      return;
    }
    router.route().handler(ctx -> {
      String host = ctx.request().getHeader("Host");
      if (hosts.allows(host)) {
        ctx.next();
      } else {
        limits.triggered(LimitEvents.Limit.HOST, null, addresses.client(ctx.request()), null, "HTTP 421");
        HttpErrors.send(ctx, ErrorCode.MISDIRECTED_REQUEST, "this node does not serve that Host (http.allowed_hosts)");
      }
    });
  }

  private static void errorHandlers(Router router) {
    router.errorHandler(400, ctx -> HttpErrors.send(ctx, ErrorCode.BAD_REQUEST, "bad request"));
    router.errorHandler(404, ctx -> HttpErrors.send(ctx, ErrorCode.NOT_FOUND, "no such route: " + ctx.request().path()));
    router.errorHandler(405, ctx -> HttpErrors.send(ctx, ErrorCode.METHOD_NOT_ALLOWED, "method not allowed"));
    router.errorHandler(413, ctx -> HttpErrors.send(ctx, ErrorCode.MESSAGE_TOO_LARGE, "request body too large"));
    router.errorHandler(415, ctx -> HttpErrors.send(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported media type"));
    router.errorHandler(500, ctx -> HttpErrors.send(ctx, ErrorCode.INTERNAL, "internal error"));
  }

  @Override
  public Future<?> stop() {
    heartbeats.stop();
    loopLag.stop();
    Future<Void> admin = adminServer == null ? Future.succeededFuture() : adminServer.close();
    return admin.compose(v -> server == null ? Future.succeededFuture() : server.close());
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
