package io.herald.gateway.impl;

import io.herald.gateway.GatewayExtension;
import io.herald.gateway.GatewayLoop;
import io.vertx.core.http.ServerWebSocketHandshake;

import java.util.List;

/**
 * WebSocket upgrades on the public port: /ws, and the paths of the gateway's extensions. They are taken
 * at the HTTP server, before the router, so connections get Vert.x's own WebSocket (the router would
 * wrap it) and the handshake can be refused cheaply: 404 for a path that serves no WebSocket, 503
 * while the node drains.
 */
public final class WebSocketEndpoint {

  public static final String PATH = "/ws";

  private final GatewayLoop loop;
  private final List<GatewayExtension> extensions;

  public WebSocketEndpoint(GatewayLoop loop, List<GatewayExtension> extensions) {
    this.loop = loop;
    this.extensions = extensions;
  }

  public void handshake(ServerWebSocketHandshake handshake) {
    long start = System.nanoTime();
    GatewayExtension extension = null;
    if (!PATH.equals(handshake.path())) {
      extension = extensions.stream().filter(e -> handshake.path().equals(e.webSocketPath())).findFirst().orElse(null);
      if (extension == null) {
        handshake.reject(404);
        return;
      }
    }
    if (loop.services().state().draining()) {
      handshake.reject(503);
      return;
    }
    GatewayExtension target = extension;
    handshake.accept().onComplete(ar -> {
      if (ar.failed()) {
        loop.services().metrics().connectionError();
      } else if (target == null) {
        new ClientConnection(ar.result(), loop).start(start);
      } else {
        target.accept(ar.result(), start, loop);
      }
    });
  }
}
