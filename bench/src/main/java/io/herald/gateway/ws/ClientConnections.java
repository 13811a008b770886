package io.herald.gateway.ws;

import io.herald.gateway.GatewayLoop;
import io.herald.gateway.delivery.SubscriptionSink;
import io.herald.gateway.transport.ClientSocket;

/**
 * The /ws protocol's {@link ClientConnection} on a socket, as a subscription's sink, for benchmarks (its constructor
 * is package-private).
 */
public final class ClientConnections {

  private ClientConnections() {
  }

  /** The connection, not started: no {@code connected} frame, no heartbeat, not in the node's registry. */
  public static SubscriptionSink of(ClientSocket socket, GatewayLoop loop) {
    return new ClientConnection(socket, loop);
  }
}
