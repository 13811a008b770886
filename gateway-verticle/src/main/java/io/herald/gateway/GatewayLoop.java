package io.herald.gateway;

import io.herald.gateway.auth.NodeAuth;
import io.vertx.core.Vertx;

/**
 * What one gateway event loop gives the connections it serves: node services, its hub, its heartbeat
 * sweep and the node's authentication state.
 */
public record GatewayLoop(Vertx vertx, GatewayServices services, ChannelHub hub, Heartbeats heartbeats, NodeAuth auth) {
}
