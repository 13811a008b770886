package io.herald.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client's server-sent event stream ({@code GET /sse}): a chunked {@code text/event-stream} response that
 * stays open, written through Vert.x's HTTP response on the connection's event loop. The stream is receive-only:
 * nothing is read from the client once the request is in, so there are no pongs ({@link #hearsPeer} false);
 * keep-alives are comment lines. Its outbound bytes are bounded by the channel's write-buffer water mark, as a
 * WebSocket's ({@link #writeQueueFull}).
 * <p>
 * Until {@link #start} the response is not committed, and a close answers the request with an HTTP error instead
 * ({@link Refusal}: a refused token is a 401, not an open stream). After it, a close writes an {@code event: close}
 * with the code and reason the WebSocket would have sent, ends the response and closes the connection; a browser's
 * {@code EventSource} then reconnects by itself with its {@code Last-Event-ID}.
 */
public final class SseStream implements ClientTransport {

  /** Answers the request with an HTTP error for a close that comes before the stream started. */
  public interface Refusal {
    void answer(HttpServerResponse response, int closeCode, String reason);
  }

  private static final Buffer PING = Buffer.buffer(": ping\n\n");

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Channel channel;
  private final String clientIp;
  private final Refusal refusal;
  private Listener listener;
  private boolean started;
  private boolean ended;

  public SseStream(HttpServerRequest request, String clientIp, int outboundLimitBytes, Refusal refusal) {
    this.request = request;
    this.response = request.response();
    this.channel = VertxUpgrade.channel(request.connection());
    this.clientIp = clientIp;
    this.refusal = refusal;
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(outboundLimitBytes / 2, outboundLimitBytes));
  }

  /** Commits the 200 and its headers: from now on the response is the event stream. */
  public void start() {
    if (ended || started) {
      return;
    }
    started = true;
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        // nginx and some other proxies buffer responses unless told not to.
        .putHeader("X-Accel-Buffering", "no")
        .putHeader("Connection", "close");
    String origin = origin();
    if (origin != null) {
      // An origin that got this far is allowed (ws.allowed_origins): a page of another origin may read the stream.
      response.putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
    }
    response.writeHead();
  }

  @Override
  public void listen(Listener listener) {
    this.listener = listener;
    channel.closeFuture().addListener(f -> listener.onClosed());
  }

  @Override
  public String uri() {
    return request.uri();
  }

  @Override
  public String clientIp() {
    return clientIp;
  }

  @Override
  public String origin() {
    return request.getHeader("Origin");
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

  /** Writes whole events (the protocol encodes them), once the stream has started. */
  @Override
  public void write(Buffer events) {
    if (started && !isClosed()) {
      response.write(events);
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
      refusal.answer(response, code, reason);
      return;
    }
    response.write(closeEvent(code, reason));
    // Closed once the client has read the end, or after ClientSocket's closing timeout if it reads nothing more.
    ScheduledFuture<?> timeout = channel.eventLoop().schedule((Runnable) channel::close, ClientSocket.CLOSING_TIMEOUT_MS,
        TimeUnit.MILLISECONDS);
    response.end().onComplete(ar -> {
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
}
