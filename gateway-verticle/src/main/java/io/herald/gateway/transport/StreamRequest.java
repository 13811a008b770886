package io.herald.gateway.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.buffer.Buffer;

/**
 * A request for a server-sent event stream ({@code GET /sse}) whose head has been read, taken from Vert.x's
 * pipeline as an upgrade is: answered once, on the connection's event loop, with {@link #refuse} (a JSON error,
 * then the connection closes) or by becoming an {@link SseStream} ({@link SseStream#start}). Vert.x never builds
 * its request, response and routing objects for it: an idle stream keeps only Netty's channel and the session.
 */
public final class StreamRequest {

  private final ChannelHandlerContext ctx;
  private final RequestHead head;
  private final Runnable takenOver;
  private boolean answered;

  StreamRequest(ChannelHandlerContext ctx, HttpRequest head, Runnable takenOver) {
    this.ctx = ctx;
    this.head = new RequestHead(head, ctx.channel());
    this.takenOver = takenOver;
  }

  /** What the request says: target, headers, peer. */
  public RequestHead head() {
    return head;
  }

  ChannelHandlerContext context() {
    return ctx;
  }

  /** Answers {@code status} with {@code json} (the HTTP API's error) and closes the connection. */
  public void refuse(int status, Buffer json) {
    answered();
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(json.getBytes()));
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Writes the stream's {@code 200} head (chunked {@code text/event-stream}, and {@code extra} headers) and puts
   * {@code stream} in place of Vert.x's connection handler. From here on the response is the event stream.
   */
  void open(SseStream stream, HttpHeaders extra) {
    answered();
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        // nginx and some other proxies buffer responses unless told not to.
        .set("X-Accel-Buffering", "no")
        .add(extra);
    // Written from here, ahead of Vert.x's handler, through the slow-client guard, which lets go of the connection.
    ctx.writeAndFlush(response, ctx.voidPromise());
    takenOver.run();
    ctx.pipeline().replace(VertxUpgrade.VERTX_HANDLER, "herald", stream);
    // The client sends nothing more: Vert.x's request decoder (which keeps its connection reachable) goes too.
    ctx.pipeline().remove(VertxUpgrade.VERTX_DECODER);
  }

  private void answered() {
    if (answered) {
      throw new IllegalStateException("the stream request was answered already");
    }
    answered = true;
  }
}
