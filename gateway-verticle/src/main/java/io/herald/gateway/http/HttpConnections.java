package io.herald.gateway.http;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.limits.HttpConnectionLimits.Ticket;
import io.herald.gateway.limits.HttpConnectionLimits;
import io.herald.gateway.limits.LimitEvents.Limit;
import io.herald.gateway.limits.LimitEvents;
import io.herald.gateway.transport.VertxUpgrade;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpConnection;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every connection the public port accepts, from accept until it closes or becomes a WebSocket: the
 * connection caps ({@link HttpConnectionLimits}) and the deadlines that stop slow clients from holding
 * it (slowloris). Vert.x's own idle timeout restarts with every byte, so a client trickling one byte
 * every few seconds would hold a connection for ever; the deadlines here never restart on bytes:
 * <ul>
 *   <li>{@code http.header_timeout_ms}: the whole request head within this long of the accept, or of
 *   the first byte of a next request on a kept-alive connection: else 408 and close;</li>
 *   <li>{@code http.body_timeout_ms}: the whole body within this long of the head: else close;</li>
 *   <li>{@code http.idle_timeout_ms}: a kept-alive connection that starts no request this long after
 *   its last response: close.</li>
 * </ul>
 * While the node itself works on a request no deadline runs. On the 101 of a WebSocket upgrade, or the 200 of
 * a server-sent event stream, the guard leaves the pipeline (the client session's limits and heartbeat take over:
 * ws.max_connections and ws.max_connections_per_ip count it) and the connection leaves the HTTP counts. It finds Vert.x's HTTP/1.x pipeline handlers through {@link VertxUpgrade}, the one adapter to Vert.x's
 * internals; {@code SlowClientsTest} (node) pins the behaviour. A connection Vert.x hands over as
 * HTTP/2 (only with {@code http.h2c} on) is counted but gets no deadlines.
 */
public final class HttpConnections {

  private static final String DECODER = VertxUpgrade.VERTX_DECODER;
  private static final String VERTX_HANDLER = VertxUpgrade.VERTX_HANDLER;

  private final HttpConnectionLimits limits;
  private final LimitEvents events;
  private final long headerMs;
  private final long bodyMs;
  private final long idleMs;

  public HttpConnections(HttpConnectionLimits limits, LimitEvents events, HeraldConfig config) {
    this.limits = limits;
    this.events = events;
    this.headerMs = config.get(HeraldConfig.HTTP_HEADER_TIMEOUT_MS);
    this.bodyMs = config.get(HeraldConfig.HTTP_BODY_TIMEOUT_MS);
    this.idleMs = config.get(HeraldConfig.HTTP_IDLE_TIMEOUT_MS);
  }

  /** The HTTP server's connection handler: runs on the connection's event loop as it is accepted. */
  public void accept(HttpConnection connection) {
    Channel channel = VertxUpgrade.channel(connection);
    String peer = connection.remoteAddress() == null ? null : connection.remoteAddress().hostAddress();
    Ticket ticket = limits.open(peer);
    if (ticket.refused()) {
      boolean node = ticket.refusedBy() == Limit.HTTP_MAX_CONNECTIONS;
      HttpResponseStatus status = node ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.TOO_MANY_REQUESTS;
      events.triggered(ticket.refusedBy(), null, peer, null, "HTTP " + status.code() + ", closed");
      respondAndClose(channel, status);
      return;
    }
    Guard guard = new Guard(channel, ticket, peer);
    channel.closeFuture().addListener(f -> guard.release());
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(DECODER) != null && pipeline.get(VERTX_HANDLER) != null) {
      pipeline.addBefore(DECODER, "heraldBytes", guard.bytes);
      pipeline.addBefore(VERTX_HANDLER, "heraldGuard", guard);
      guard.arm(headerMs, Limit.HEADER_TIMEOUT);
    }
  }

  /**
   * Writes a bodiless response straight to the socket (ahead of the HTTP encoder, which has no request
   * to answer) and closes: the client learns why without the node reading anything from it.
   */
  private static void respondAndClose(Channel channel, HttpResponseStatus status) {
    String response = "HTTP/1.1 " + status + "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    channel.pipeline().firstContext().writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.ISO_8859_1))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /** One connection's deadlines; every method runs on its event loop. */
  private final class Guard extends ChannelDuplexHandler {

    private final Channel channel;
    private final Ticket ticket;
    private final String peer;
    /** Ahead of the decoder: sees the first byte of a request on a kept-alive connection. */
    private final ChannelInboundHandlerAdapter bytes = new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waitingFor == Limit.IDLE_TIMEOUT) {
          arm(headerMs, Limit.HEADER_TIMEOUT);
        }
        ctx.fireChannelRead(msg);
      }
    };
    private ScheduledFuture<?> timer;
    private Limit waitingFor;
    private int heads;
    private int ends;
    private int responses;
    private boolean released;

    Guard(Channel channel, Ticket ticket, String peer) {
      this.channel = channel;
      this.ticket = ticket;
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        heads++;
        arm(bodyMs, Limit.BODY_TIMEOUT);
      }
      if (msg instanceof LastHttpContent) {
        ends++;
        settle();
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        ctx.write(msg, promise);
        if (r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
          becameClientSession(ctx);
        }
        return;
      }
      if (msg instanceof HttpResponse r && r.status().code() == HttpResponseStatus.OK.code()
          && r.headers().get(HttpHeaderNames.CONTENT_TYPE, "").startsWith("text/event-stream")) {
        ctx.write(msg, promise);
        becameClientSession(ctx);
        return;
      }
      if (msg instanceof LastHttpContent) {
        responses++;
        settle();
      }
      ctx.write(msg, promise);
    }

    /** After a request's end or a response's: which deadline runs now. */
    private void settle() {
      if (ends < heads) {
        return; // a body is still coming: its deadline keeps running
      }
      if (responses < heads) {
        arm(0, null); // the node is answering: no deadline on the client
      } else {
        arm(idleMs, Limit.IDLE_TIMEOUT);
      }
    }

    void arm(long ms, Limit limit) {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      waitingFor = limit;
      if (ms > 0 && limit != null) {
        timer = channel.eventLoop().schedule(() -> expire(limit), ms, TimeUnit.MILLISECONDS);
      }
    }

    private void expire(Limit limit) {
      timer = null;
      if (!channel.isActive() || released) {
        return;
      }
      switch (limit) {
        case HEADER_TIMEOUT -> {
          events.triggered(limit, null, peer, null, "HTTP 408, closed");
          respondAndClose(channel, HttpResponseStatus.REQUEST_TIMEOUT);
        }
        case IDLE_TIMEOUT -> {
          events.counted(limit);
          channel.close();
        }
        default -> {
          events.triggered(limit, null, peer, null, "closed");
          channel.close();
        }
      }
    }

    /** The 101 or an event stream's 200 went out: the connection is a client session's now, its limits apply. */
    private void becameClientSession(ChannelHandlerContext ctx) {
      arm(0, null);
      release();
      ctx.pipeline().remove(bytes);
      ctx.pipeline().remove(this);
    }

    void release() {
      arm(0, null);
      if (!released) {
        released = true;
        limits.closed(ticket);
      }
    }
  }
}
