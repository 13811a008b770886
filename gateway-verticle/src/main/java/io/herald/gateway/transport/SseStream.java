package io.herald.gateway.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client's server-sent event stream ({@code GET /sse}): a chunked {@code text/event-stream} response that stays
 * open, written as Netty HTTP chunks by the last handler of the connection's pipeline (Vert.x's HTTP objects are
 * gone, as for a WebSocket: see {@link StreamRequest}). The stream is receive-only: its client sends nothing after
 * the request, so there are no pongs ({@link #hearsPeer} false), keep-alives are comment lines, and bytes that
 * arrive anyway end the stream. Its outbound bytes are bounded by the channel's write-buffer water mark, as a
 * WebSocket's ({@link #writeQueueFull}).
 * <p>
 * Until {@link #start} nothing is written, and a close answers the request with an HTTP error instead ({@link
 * Refusal}: a refused token is a 401, not an open stream). After it, a close writes an {@code event: close} with the
 * code and reason the WebSocket would have sent, ends the response and closes the connection; a browser's {@code
 * EventSource} then reconnects by itself with its {@code Last-Event-ID}.
 */
public final class SseStream extends ChannelInboundHandlerAdapter implements ClientTransport {

  /** Answers the request with an HTTP error for a close that comes before the stream started. */
  public interface Refusal {
    void answer(StreamRequest request, int closeCode, String reason);
  }

  private static final Buffer PING = Buffer.buffer(": ping\n\n");

  /**
   * Until the stream starts or is refused; then dropped: it holds the removed interceptor's pipeline context, whose
   * links lead on to Vert.x's connection and its outbound queue (about 4 KB an idle stream kept for nothing).
   */
  private StreamRequest request;
  private final String uri;
  private final Channel channel;
  private final String clientIp;
  private final String origin;
  private final java.util.Map<String, String> forwardedHeaders;
  private final Refusal refusal;
  private Listener listener;
  private boolean started;
  private boolean ended;

  public SseStream(StreamRequest request, String clientIp, int outboundLimitBytes, Refusal refusal) {
    this(request, clientIp, java.util.Map.of(), outboundLimitBytes, refusal);
  }

  /** A stream whose connect hook gets {@code forwardedHeaders} of the request (proxy.headers). */
  public SseStream(StreamRequest request, String clientIp, java.util.Map<String, String> forwardedHeaders,
      int outboundLimitBytes, Refusal refusal) {
    this.request = request;
    this.uri = request.head().uri();
    this.channel = request.context().channel();
    this.clientIp = clientIp;
    this.origin = request.head().header("Origin");
    this.forwardedHeaders = forwardedHeaders;
    this.refusal = refusal;
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(outboundLimitBytes / 2, outboundLimitBytes));
  }

  /** Commits the 200 and its headers: from now on the connection is the event stream. */
  public void start() {
    if (ended || started) {
      return;
    }
    started = true;
    HttpHeaders extra = new DefaultHttpHeaders();
    if (origin != null) {
      // An origin that got this far is allowed (ws.allowed_origins): a page of another origin may read the stream.
      extra.set("Access-Control-Allow-Origin", origin).set("Vary", "Origin");
    }
    request.open(this, extra);
    request = null;
    if (!channel.isActive() && listener != null) {
      listener.onClosed(); // the client left before the stream opened: the handler saw no close to report
    }
  }

  @Override
  public void listen(Listener listener) {
    this.listener = listener;
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public String clientIp() {
    return clientIp;
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public java.util.Map<String, String> forwardedHeaders() {
    return forwardedHeaders;
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public boolean isClosed() {
    return ended || !channel.isActive();
  }

  @Override
  public boolean writeQueueFull() {
    return !channel.isWritable();
  }

  @Override
  public int outboundLimit() {
    return channel.config().getWriteBufferHighWaterMark();
  }

  /** Writes whole events (the protocol encodes them) as one chunk, once the stream has started. */
  @Override
  public void write(Buffer events) {
    if (started && !isClosed()) {
      // A shared encoding (the one event of a message for every single-channel stream) must outlive this write.
      channel.writeAndFlush(new DefaultHttpContent(Unpooled.unreleasableBuffer(((BufferInternal) events).getByteBuf())),
          channel.voidPromise());
    }
  }

  @Override
  public void writePing() {
    write(PING);
  }

  @Override
  public boolean hearsPeer() {
    return false;
  }

  @Override
  public boolean readPaused() {
    return false;
  }

  @Override
  public void close(int code, String reason) {
    if (ended || !channel.isActive()) {
      return;
    }
    ended = true;
    if (!started) {
      refusal.answer(request, code, reason);
      request = null;
      return;
    }
    channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(closeEvent(code, reason).getBytes())), channel.voidPromise());
    // Closed once the client has read the end, or after ClientSocket's closing timeout if it reads nothing more.
    ScheduledFuture<?> timeout = channel.eventLoop().schedule((Runnable) channel::close, ClientSocket.CLOSING_TIMEOUT_MS,
        TimeUnit.MILLISECONDS);
    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener((ChannelFutureListener) f -> {
      timeout.cancel(false);
      channel.close();
    });
  }

  /** {@code event: close} with the WebSocket close code and reason the stream ends with. */
  static Buffer closeEvent(int code, String reason) {
    StringBuilder json = new StringBuilder("{\"type\":\"close\",\"code\":").append(code).append(",\"reason\":\"");
    for (int i = 0; reason != null && i < reason.length(); i++) {
      char c = reason.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> json.append(c < 0x20 ? ' ' : c);
      }
    }
    return Buffer.buffer("event: close\ndata: " + json.append("\"}") + "\n\n");
  }

  @Override
  public void abort() {
    ended = true;
    channel.config().setOption(ChannelOption.SO_LINGER, 0);
    channel.close();
  }

  /** The client sent something after its request: an event stream's client sends nothing, so the stream ends. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
    if (!ended) {
      ended = true;
      channel.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (listener != null) {
      listener.onError(cause);
    }
    channel.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onClosed();
    }
    ctx.fireChannelInactive();
  }
}
