package io.herald.gateway.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.List;

/**
 * Takes WebSocket upgrades (and event-stream requests, {@link StreamRequest}) out of Vert.x's HTTP/1.x pipeline as
 * soon as their request is read, before Vert.x
 * builds its request, response, handshake and WebSocket objects: two connection objects with a 1,024-slot
 * message queue each, and about a third of a connect's CPU and garbage (docs/performance.md). Netty's handshaker
 * writes the 101 and puts its RFC 6455 frame codec in the pipeline, and a {@link ClientSocket} replaces Vert.x's
 * connection handler (see {@link UpgradeRequest#accept}). Every other request goes on to Vert.x untouched.
 * <p>
 * This is the one place Herald reaches into Vert.x's HTTP server: the channel and the context behind an
 * {@link HttpConnection} ({@code ConnectionBase}) and the pipeline handlers Vert.x names {@code httpDecoder} and {@code handler} (also used by the gateway's
 * slow-client guard). {@code ClientSocketTakeoverTest} (gateway) pins what it relies on: after an upgrade the
 * pipeline holds Netty's frame codec and the socket, and nothing of Vert.x.
 */
public final class VertxUpgrade {

  /** The name Vert.x gives its HTTP/1.x request decoder in the pipeline. */
  public static final String VERTX_DECODER = "httpDecoder";
  /** The name Vert.x gives its connection handler in the pipeline. */
  public static final String VERTX_HANDLER = "handler";
  private static final String NAME = "heraldUpgrade";

  /** Answers each upgrade request: {@link UpgradeRequest#reject} or {@link UpgradeRequest#accept}, at once. */
  public interface Endpoint {
    void upgrade(UpgradeRequest request);
  }

  /** Answers each event-stream request at {@link #path}: {@link StreamRequest#refuse}, or an {@link SseStream}. */
  public interface StreamEndpoint {
    String path();

    void open(StreamRequest request);
  }

  private final Endpoint endpoint;
  private final StreamEndpoint streams;
  private final WebSocketServerHandshakerFactory handshakers;
  private final int outboundLimitBytes;

  /**
   * @param subProtocols the sub-protocols offered, in the server's order of preference
   * @param maxFrameBytes the largest frame payload read; larger ones fail in the decoder (1009)
   * @param outboundLimitBytes the bound of each socket's outbound bytes ({@link ClientSocket#writeQueueFull})
   */
  public VertxUpgrade(Endpoint endpoint, StreamEndpoint streams, List<String> subProtocols, int maxFrameBytes,
                      int outboundLimitBytes) {
    this.endpoint = endpoint;
    this.streams = streams;
    // As Vert.x configured it: no extensions (compression costs CPU per subscriber and invites decompression
    // bombs), masked frames only, and protocol violations reported to the socket, which answers them itself.
    WebSocketDecoderConfig frames = WebSocketDecoderConfig.newBuilder()
        .allowExtensions(false)
        .maxFramePayloadLength(maxFrameBytes)
        .allowMaskMismatch(false)
        .closeOnProtocolViolation(false)
        .build();
    // The location is only sent by the long-gone drafts (00); version 13 has none.
    this.handshakers = new WebSocketServerHandshakerFactory("ws://localhost/",
        subProtocols.isEmpty() ? null : String.join(",", subProtocols), frames);
    this.outboundLimitBytes = outboundLimitBytes;
  }

  /** The Netty channel behind a Vert.x HTTP connection. */
  public static Channel channel(HttpConnection connection) {
    return ((ConnectionBase) connection).channel();
  }

  /** The HTTP server's connection handler calls this for each HTTP/1.x connection as it is accepted. */
  public void intercept(HttpConnection connection) {
    ChannelPipeline pipeline = channel(connection).pipeline();
    if (pipeline.get(VERTX_DECODER) != null && pipeline.get(VERTX_HANDLER) != null) {
      pipeline.addBefore(VERTX_HANDLER, NAME, new Interceptor(((ConnectionBase) connection).context()));
    }
  }

  /** Whether Vert.x would have taken {@code request} as a WebSocket upgrade. */
  static boolean isUpgrade(HttpRequest request) {
    if (!request.decoderResult().isSuccess() || request.method() != HttpMethod.GET
        || request.protocolVersion() != HttpVersion.HTTP_1_1) {
      return false;
    }
    boolean connectionUpgrade = false;
    for (String value : request.headers().getAll(HttpHeaderNames.CONNECTION)) {
      connectionUpgrade |= AsciiString.containsIgnoreCase(value, HttpHeaderValues.UPGRADE);
    }
    if (connectionUpgrade) {
      for (String value : request.headers().getAll(HttpHeaderNames.UPGRADE)) {
        if (AsciiString.containsIgnoreCase(value, HttpHeaderValues.WEBSOCKET)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code request} asks for the event stream at {@code path}: a GET over HTTP/1.1. */
  static boolean isStream(HttpRequest request, String path) {
    return request.decoderResult().isSuccess() && request.method() == HttpMethod.GET
        && request.protocolVersion() == HttpVersion.HTTP_1_1 && path.equals(RequestHead.path(request.uri()));
  }

  /** One connection's: takes upgrade and event-stream requests, passes everything else on. */
  private final class Interceptor extends ChannelDuplexHandler {
    /** The connection's Vert.x context: the endpoint runs in it, as Vert.x's handlers would (timers, Vertx.currentContext()). */
    private final ContextInternal context;
    /** The head of the upgrade request being read (its end has not arrived), or null. */
    private HttpRequest upgrading;
    /** Whether {@link #upgrading} is an event-stream request rather than a WebSocket upgrade. */
    private boolean stream;
    /** Requests passed to Vert.x and not answered yet: an upgrade behind one is Vert.x's, as HTTP (pipelining). */
    private int unanswered;
    /** An upgrade came with a body: it was answered 400 and the connection is closing; nothing more is read. */
    private boolean refused;

    Interceptor(ContextInternal context) {
      this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (refused) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpRequest request) {
        if (unanswered == 0 && (isUpgrade(request) || isStream(request, streams.path()))) {
          upgrading = request;
          stream = !isUpgrade(request);
        } else {
          unanswered++;
        }
      }
      if (upgrading == null) {
        ctx.fireChannelRead(msg);
        return;
      }
      if (msg instanceof HttpContent content) {
        boolean body = content.content().isReadable();
        content.release();
        if (body) {
          // A handshake has no body: refused at once, not read for as long as the body deadline would allow.
          upgrading = null;
          refused = true;
          UpgradeRequest.respondAndClose(ctx, HttpResponseStatus.BAD_REQUEST);
          return;
        }
      }
      if (msg instanceof LastHttpContent) {
        HttpRequest head = upgrading;
        upgrading = null;
        if (stream) {
          StreamRequest request = new StreamRequest(ctx, head, () -> ctx.pipeline().remove(this));
          context.dispatch(() -> streams.open(request));
        } else {
          UpgradeRequest request = new UpgradeRequest(ctx, head, handshakers, outboundLimitBytes, () -> ctx.pipeline().remove(this));
          context.dispatch(() -> endpoint.upgrade(request));
        }
      }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof LastHttpContent && unanswered > 0) {
        unanswered--;
      }
      ctx.write(msg, promise);
    }
  }
}
