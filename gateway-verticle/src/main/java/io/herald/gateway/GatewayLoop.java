package io.herald.gateway;

import io.herald.gateway.auth.NodeAuth;
import io.herald.gateway.delivery.ChannelHub;
import io.herald.gateway.hooks.ProxyHooks;
import io.herald.gateway.session.Heartbeats;
import io.vertx.core.Vertx;

/**
 * What one gateway event loop gives the connections it serves: node services, its hub, its heartbeat
 * sweep, the node's authentication state and its proxy hooks.
 */
public record GatewayLoop(Vertx vertx, GatewayServices services, ChannelHub hub, Heartbeats heartbeats, NodeAuth auth,
                          ProxyHooks hooks) {
}
