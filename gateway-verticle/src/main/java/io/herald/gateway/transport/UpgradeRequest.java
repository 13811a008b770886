package io.herald.gateway.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

import java.nio.charset.StandardCharsets;

/**
 * A WebSocket upgrade request whose head has been read, waiting for the endpoint's answer: {@link #reject} with an
 * HTTP status, or {@link #accept} into a {@link ClientSocket}. Answered once, on the connection's event loop,
 * while the request is being read (nothing else is read meanwhile).
 */
public final class UpgradeRequest {

  private final ChannelHandlerContext ctx;
  private final HttpRequest head;
  private final RequestHead view;
  private final WebSocketServerHandshakerFactory handshakers;
  private final int outboundLimitBytes;
  private final Runnable upgraded;
  private boolean answered;

  UpgradeRequest(ChannelHandlerContext ctx, HttpRequest head, WebSocketServerHandshakerFactory handshakers,
                 int outboundLimitBytes, Runnable upgraded) {
    this.ctx = ctx;
    this.head = head;
    this.view = new RequestHead(head, ctx.channel());
    this.handshakers = handshakers;
    this.outboundLimitBytes = outboundLimitBytes;
    this.upgraded = upgraded;
  }

  /** What the request says: target, headers, peer. */
  public RequestHead head() {
    return view;
  }

  /** Answers {@code status} (its reason phrase as the body) and closes the connection. */
  public void reject(int status) {
    answered();
    respondAndClose(ctx, HttpResponseStatus.valueOf(status));
  }

  /**
   * Completes the handshake (Netty writes the 101 with the sub-protocol it chose and puts its RFC 6455 frame codec
   * in the pipeline) and returns the socket that replaced Vert.x's connection handler, reading nothing until
   * {@link ClientSocket#listen}. Returns null when the request is not a valid handshake: it was answered with 400
   * (or 426 for an unsupported version) and the connection closes.
   */
  public ClientSocket accept(String clientIp, String origin, java.util.Map<String, String> forwardedHeaders) {
    answered();
    WebSocketServerHandshaker handshaker = handshakers.newHandshaker(head);
    if (handshaker == null) {
      FullHttpResponse response = response(HttpResponseStatus.UPGRADE_REQUIRED);
      response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, WebSocketVersion.V13.toHttpHeaderValue());
      respondAndClose(ctx, response);
      return null;
    }
    DefaultFullHttpRequest request = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
        Unpooled.EMPTY_BUFFER, head.headers(), EmptyHttpHeaders.INSTANCE);
    try {
      // Written from here, ahead of Vert.x's handler: Netty checks the request before it changes the pipeline.
      handshaker.handshake(ctx, request, null, ctx.newPromise());
    } catch (WebSocketHandshakeException e) {
      respondAndClose(ctx, HttpResponseStatus.BAD_REQUEST);
      return null;
    }
    Channel channel = ctx.channel();
    channel.config().setAutoRead(false);
    ClientSocket socket = new ClientSocket(channel,
        new ClientSocket.Handshake(head.uri(), handshaker.selectedSubprotocol(), clientIp, origin, forwardedHeaders),
        outboundLimitBytes);
    upgraded.run();
    channel.pipeline().replace(VertxUpgrade.VERTX_HANDLER, "herald", socket);
    return socket;
  }

  private void answered() {
    if (answered) {
      throw new IllegalStateException("the upgrade was answered already");
    }
    answered = true;
  }

  /** Answers {@code status} (its reason phrase as the body) ahead of Vert.x's handler, and closes. */
  static void respondAndClose(ChannelHandlerContext ctx, HttpResponseStatus status) {
    respondAndClose(ctx, response(status));
  }

  private static void respondAndClose(ChannelHandlerContext ctx, FullHttpResponse response) {
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private static FullHttpResponse response(HttpResponseStatus status) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(status.reasonPhrase(), StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }
}
