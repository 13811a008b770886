package io.herald.gateway.transport;

import io.herald.core.config.HeraldConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;

/**
 * {@link ClientSocket}s on Netty {@link EmbeddedChannel}s, with the pipeline {@link UpgradeRequest#accept} leaves
 * behind: Netty's RFC 6455 server codec (unmasked frames out), the socket last. What the
 * socket writes ends in the channel's outbound queue instead of a TCP socket. For benchmarks (ClientSocket's
 * constructor is package-private).
 */
public final class EmbeddedSockets {

  private EmbeddedSockets() {
  }

  /** A socket on a new embedded channel; its outbound bound is ws.outbound_queue_bytes of {@code config}. */
  public static ClientSocket open(HeraldConfig config) {
    EmbeddedChannel channel = new EmbeddedChannel();
    ClientSocket socket = new ClientSocket(channel, new ClientSocket.Handshake("/ws", null, "127.0.0.1", null),
        config.get(HeraldConfig.WS_OUTBOUND_QUEUE_BYTES));
    WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(config.get(HeraldConfig.WS_MAX_FRAME_BYTES)).build();
    channel.pipeline().addLast("wsdecoder", new WebSocket13FrameDecoder(decoder));
    channel.pipeline().addLast("wsencoder", new WebSocket13FrameEncoder(false));
    channel.pipeline().addLast("herald", socket);
    return socket;
  }
}
