package io.herald.gateway;

import io.vertx.core.Vertx;

/** What one gateway event loop gives the connections it serves: node services, its hub and its heartbeat sweep. */
public record GatewayLoop(Vertx vertx, GatewayServices services, ChannelHub hub, Heartbeats heartbeats) {
}
