package io.herald.gateway;

/** What one gateway event loop gives the connections it serves: node services, its hub and its heartbeat sweep. */
public record GatewayLoop(GatewayServices services, ChannelHub hub, Heartbeats heartbeats) {
}
