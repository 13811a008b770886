package io.herald.gateway.impl;

import io.herald.gateway.GatewayServices;
import io.vertx.core.http.ServerWebSocketHandshake;

/**
 * WebSocket upgrades on the public port. They are taken at the HTTP server, before the router, so the
 * connection gets Vert.x's own WebSocket (the router would wrap it) and the handshake can be refused
 * cheaply: 404 for a path that serves no WebSocket, 503 while the node drains.
 */
public final class WebSocketEndpoint {

  public static final String PATH = "/ws";

  private final GatewayServices services;
  private final ChannelHub hub;
  private final Heartbeats heartbeats;

  public WebSocketEndpoint(GatewayServices services, ChannelHub hub, Heartbeats heartbeats) {
    this.services = services;
    this.hub = hub;
    this.heartbeats = heartbeats;
  }

  public void handshake(ServerWebSocketHandshake handshake) {
    long start = System.nanoTime();
    if (!PATH.equals(handshake.path())) {
      handshake.reject(404);
      return;
    }
    if (services.state().draining()) {
      handshake.reject(503);
      return;
    }
    handshake.accept().onComplete(ar -> {
      if (ar.succeeded()) {
        new ClientConnection(ar.result(), services, hub, heartbeats).start(start);
      } else {
        services.metrics().connectionError();
      }
    });
  }
}
