package io.herald.gateway.transport;

import io.herald.gateway.limits.ReadShaper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client's WebSocket, after the upgrade, as the last handler of its Netty pipeline (behind Netty's
 * RFC 6455 frame decoder and encoder), on the connection's event loop. It holds only what a connection
 * needs: Vert.x's WebSocket keeps two message queues with 1,024-slot arrays and the upgrade request for the
 * connection's life, about 12 KB of the 16 KB an idle connection cost (docs/architecture.md).
 * <p>
 * What it does, as Vert.x's WebSocket did: answers pings (while the peer reads: a client that sends pings
 * and reads nothing gets no pongs piling up); runs the close handshake (a close frame from the peer is
 * echoed and the connection closed; after its own close frame it waits {@link #CLOSING_TIMEOUT_MS} for the
 * peer's); bounds the outbound bytes (Netty's write-buffer water mark: {@link #writeQueueFull}); flushes
 * text frames with the loop's other sockets ({@link LoopFlushes}: a burst of writes is one syscall); reads every frame, data or control, within
 * ws.read_bytes_rate ({@link #shapeReads}). A frame the decoder
 * refuses (over the size limit, or breaking the protocol) reaches {@link Listener#onError}, then the connection
 * is closed once what was written is flushed. Frames are handed over whole, never reassembled: the
 * protocol's session does that.
 */
public final class ClientSocket extends ChannelInboundHandlerAdapter implements ClientTransport {

  /**
   * The least a client's frame takes on the wire besides its payload (2 bytes of header, 4 of mask): what an
   * empty frame costs the read budget, so that a flood of empty pings is held back too.
   */
  static final int MIN_FRAME_HEADER_BYTES = 6;

  /** How long after its own close frame the server waits for the peer's before it drops the connection. */
  static final long CLOSING_TIMEOUT_MS = 10_000;

  /**
   * The most bytes a close reason may take: a close frame is a control frame, whose payload (2 bytes of code,
   * then the reason) is at most 125 bytes. Clients fail a longer one ("invalid payload length").
   */
  public static final int MAX_CLOSE_REASON_BYTES = 123;

  private final Channel channel;
  private final Handshake handshake;
  private Listener listener;
  /** ws.read_bytes_rate; null when unlimited. */
  private ReadShaper readShaper;
  private boolean closeSent;
  private boolean closeReceived;
  /** The status code of the peer's close frame: 1005 when it had none; 1006 until one arrives. */
  private int peerCloseCode = WebSocketCloseStatus.ABNORMAL_CLOSURE.code();
  private ScheduledFuture<?> closingTimer;
  /** Whether {@link LoopFlushes} holds this socket for its next flush. */
  boolean flushPending;

  ClientSocket(Channel channel, Handshake handshake, int outboundLimitBytes) {
    this.channel = channel;
    this.handshake = handshake;
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(outboundLimitBytes / 2, outboundLimitBytes));
  }

  /**
   * What the upgrade request said that the session may need later; nothing else of it is kept.
   *
   * @param forwardedHeaders the headers the connect hook gets (proxy.headers); empty without one
   */
  public record Handshake(String uri, String subProtocol, String clientIp, String origin,
                          java.util.Map<String, String> forwardedHeaders) {

    /** A handshake that keeps no headers (no connect hook). */
    public Handshake(String uri, String subProtocol, String clientIp, String origin) {
      this(uri, subProtocol, clientIp, origin, java.util.Map.of());
    }
  }

  /** Reads this socket within {@code shaper}'s budget, every frame counted (call before {@link #listen}). */
  public void shapeReads(ReadShaper shaper) {
    this.readShaper = shaper;
  }

  /** Whether reading is paused by the read budget: the peer's frames, its pongs too, wait unread. */
  @Override
  public boolean readPaused() {
    return readShaper != null && readShaper.paused();
  }

  /** The bytes the outbound queue may hold before {@link #writeQueueFull}. */
  @Override
  public int outboundLimit() {
    return channel.config().getWriteBufferHighWaterMark();
  }

  /** Installs the protocol's listener; until then nothing is read. */
  @Override
  public void listen(Listener listener) {
    this.listener = listener;
    channel.config().setAutoRead(true);
  }

  @Override
  public String uri() {
    return handshake.uri();
  }

  @Override
  public boolean hearsPeer() {
    return true;
  }

  /** The sub-protocol agreed in the handshake, or null. */
  public String subProtocol() {
    return handshake.subProtocol();
  }

  /** The client's address as the node sees it (X-Forwarded-For from a trusted proxy taken into account). */
  @Override
  public String clientIp() {
    return handshake.clientIp();
  }

  /** The upgrade's Origin header, or null. */
  @Override
  public String origin() {
    return handshake.origin();
  }

  @Override
  public java.util.Map<String, String> forwardedHeaders() {
    return handshake.forwardedHeaders();
  }

  /** The Netty channel, for the write-timeout check. */
  @Override
  public Channel channel() {
    return channel;
  }

  /** Whether a close frame went either way, or the connection is gone: nothing more may be written. */
  @Override
  public boolean isClosed() {
    return closeSent || closeReceived || !channel.isActive();
  }

  /** Whether the bytes waiting to be written are over the outbound limit. */
  @Override
  public boolean writeQueueFull() {
    return !channel.isWritable();
  }

  /**
   * Writes one text frame of already encoded UTF-8 (a slice of the shared buffer: no copy per subscriber); it is
   * flushed with the loop's other pending writes ({@link LoopFlushes}).
   */
  @Override
  public void write(Buffer utf8) {
    // Vert.x's heap buffers ignore release(); unreleasable makes that explicit, as the encoder releases what it writes.
    TextWebSocketFrame frame = new TextWebSocketFrame(Unpooled.unreleasableBuffer(((BufferInternal) utf8).getByteBuf()));
    if (channel.eventLoop().inEventLoop()) {
      channel.write(frame, channel.voidPromise());
      LoopFlushes.later(this);
    } else {
      channel.writeAndFlush(frame, channel.voidPromise()); // another thread's flushes are not this loop's to batch
    }
  }

  @Override
  public void writePing() {
    channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
  }

  /**
   * Starts the close handshake with {@code code} and {@code reason} (cut to fit a control frame); the
   * connection is dropped when the peer answers, or after {@link #CLOSING_TIMEOUT_MS}. Once only.
   */
  @Override
  public void close(int code, String reason) {
    if (closeSent || !channel.isActive()) {
      return;
    }
    closeSent = true;
    channel.writeAndFlush(new CloseWebSocketFrame(code, closeReason(reason)));
    if (closeReceived) {
      closeAfterFlush();
    } else {
      closingTimer = channel.eventLoop().schedule((Runnable) channel::close, CLOSING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Resets the TCP connection at once (SO_LINGER 0), no close frame: for a peer that reads nothing, where a
   * close frame would queue behind the bytes it does not read.
   */
  @Override
  public int peerCloseCode() {
    return peerCloseCode;
  }

  @Override
  public void abort() {
    closeSent = true;
    channel.config().setOption(ChannelOption.SO_LINGER, 0);
    channel.close();
  }

  /**
   * {@code reason} cut to at most {@link #MAX_CLOSE_REASON_BYTES} bytes of UTF-8, never inside a character
   * (a reason may carry what a client sent, such as a graphql-transport-ws operation id).
   */
  public static String closeReason(String reason) {
    if (reason == null || reason.length() * 3 <= MAX_CLOSE_REASON_BYTES) {
      return reason; // short enough whatever its characters
    }
    int bytes = 0;
    int end = 0;
    while (end < reason.length()) {
      int cp = reason.codePointAt(end);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > MAX_CLOSE_REASON_BYTES) {
        break;
      }
      bytes += size;
      end += Character.charCount(cp);
    }
    return reason.substring(0, end);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      if (readShaper != null) {
        readShaper.read(frame.content().readableBytes() + MIN_FRAME_HEADER_BYTES);
      }
      if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
          || frame instanceof ContinuationWebSocketFrame) {
        if (!closeReceived && listener != null) {
          FrameKind kind = frame instanceof TextWebSocketFrame ? FrameKind.TEXT
              : frame instanceof BinaryWebSocketFrame ? FrameKind.BINARY : FrameKind.CONTINUATION;
          listener.onFrame(kind, frame.isFinalFragment(), heapCopy(frame.content()));
        }
      } else if (frame instanceof PingWebSocketFrame) {
        // A peer that does not read gets no pong: RFC 6455 lets an endpoint answer only the latest ping.
        if (!isClosed() && channel.isWritable()) {
          channel.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), channel.voidPromise());
        }
      } else if (frame instanceof PongWebSocketFrame) {
        if (listener != null) {
          listener.onPong();
        }
      } else if (frame instanceof CloseWebSocketFrame close) {
        onCloseFrame(close);
      }
    } finally {
      frame.release();
    }
  }

  private static Buffer heapCopy(ByteBuf content) {
    return Buffer.buffer(ByteBufUtil.getBytes(content));
  }

  /** The peer's close frame: echo it (unless this side closed first) and drop the connection once flushed. */
  private void onCloseFrame(CloseWebSocketFrame close) {
    if (closeReceived) {
      return;
    }
    closeReceived = true;
    peerCloseCode = close.statusCode() < 0 ? WebSocketCloseStatus.EMPTY.code() : close.statusCode();
    if (!closeSent) {
      closeSent = true;
      int code = close.statusCode();
      CloseWebSocketFrame echo = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, null);
      channel.writeAndFlush(echo);
    }
    closeAfterFlush();
  }

  private void closeAfterFlush() {
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (listener != null) {
      listener.onError(cause);
    }
    closeAfterFlush();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (closingTimer != null) {
      closingTimer.cancel(false);
    }
    if (listener != null) {
      listener.onClosed();
    }
    ctx.fireChannelInactive();
  }

}
