package io.herald.gateway;

import io.herald.gateway.delivery.ChannelHub;
import io.herald.gateway.transport.ClientSocket;
import io.vertx.ext.web.Router;

import java.util.List;

/**
 * A protocol served on the gateway's public port next to /ws and the HTTP API (the GraphQL module is
 * one). Every gateway event loop mounts it, so its connections share that loop's {@link ChannelHub}:
 * a channel's message is received and encoded once per loop whichever protocol its subscribers speak.
 */
public interface GatewayExtension {

  /** Adds HTTP routes to one event loop's router. */
  void mount(Router router, GatewayLoop loop);

  /** The path whose WebSocket upgrades this extension takes, or null for none. */
  String webSocketPath();

  /** Subprotocols the server may accept for {@link #webSocketPath()}. */
  List<String> webSocketSubProtocols();

  /** An accepted WebSocket on {@link #webSocketPath()}, called on its event loop. */
  void accept(ClientSocket socket, long upgradeStartNanos, GatewayLoop loop);
}
