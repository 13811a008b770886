package io.herald.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketImplBase;

/**
 * Turns a WebSocket Vert.x has just accepted into a {@link ClientSocket}: Vert.x did the handshake (the
 * 101, the sub-protocol, Netty's frame decoder and encoder in the pipeline); its connection handler, which
 * holds the WebSocket's message queues and the upgrade request, leaves the pipeline and becomes garbage.
 * This is the one place Herald reaches into Vert.x's WebSocket internals: the pipeline handler named
 * {@code handler} and {@link WebSocketImplBase#channelHandlerContext()}. {@code ClientSocketTakeoverTest}
 * (gateway) pins what it relies on: after the takeover the pipeline holds Netty's frame codec and this
 * socket, and nothing of Vert.x.
 */
public final class VertxUpgrade {

  /** The name Vert.x gives its connection handler in the pipeline. */
  static final String VERTX_HANDLER = "handler";

  private VertxUpgrade() {
  }

  /**
   * Takes {@code accepted}'s channel over, on its event loop, right after the handshake (before any frame
   * was read). Nothing is read until the protocol calls {@link ClientSocket#listen}.
   */
  public static ClientSocket takeOver(ServerWebSocket accepted, ClientSocket.Handshake handshake, int outboundLimitBytes) {
    Channel channel = ((WebSocketImplBase<?>) accepted).channelHandlerContext().channel();
    channel.config().setAutoRead(false);
    ClientSocket socket = new ClientSocket(channel, handshake, outboundLimitBytes);
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.replace(VERTX_HANDLER, "herald", socket);
    pipeline.addFirst("flush", ClientSocket.flushConsolidation());
    return socket;
  }
}
