package io.herald.gateway.impl;

import io.herald.core.ErrorCode;
import io.herald.gateway.GatewayServices;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /ws}: upgrades to a WebSocket and hands it to a {@link ClientConnection}. */
public final class WebSocketEndpoint implements Handler<RoutingContext> {

  private final GatewayServices services;
  private final ChannelHub hub;
  private final Heartbeats heartbeats;

  public WebSocketEndpoint(GatewayServices services, ChannelHub hub, Heartbeats heartbeats) {
    this.services = services;
    this.hub = hub;
    this.heartbeats = heartbeats;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    if (!ctx.request().canUpgradeToWebSocket()) {
      HttpErrors.send(ctx, ErrorCode.BAD_REQUEST, "/ws expects a WebSocket upgrade request");
      return;
    }
    if (services.state().draining()) {
      HttpErrors.send(ctx, ErrorCode.UNAVAILABLE, "node is shutting down");
      return;
    }
    ctx.request().toWebSocket().onComplete(ar -> {
      if (ar.succeeded()) {
        new ClientConnection(ar.result(), ctx.vertx().getOrCreateContext(), services, hub, heartbeats).start(start);
      } else {
        services.metrics().connectionError();
      }
    });
  }
}
