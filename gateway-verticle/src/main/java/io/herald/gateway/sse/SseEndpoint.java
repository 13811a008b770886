package io.herald.gateway.sse;

import io.herald.core.CloseCode;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.Json;
import io.herald.core.StreamPosition;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.hooks.HookAnswer;
import io.herald.gateway.http.HttpErrors;
import io.herald.gateway.limits.LimitEvents.Limit;
import io.herald.gateway.session.ConnectionGate;
import io.herald.gateway.transport.RequestHead;
import io.herald.gateway.transport.SseStream;
import io.herald.gateway.transport.StreamRequest;
import io.herald.gateway.transport.VertxUpgrade;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

/**
 * {@code GET /sse}: server-sent event streams, taken from the HTTP pipeline before Vert.x builds its request objects
 * ({@link StreamRequest}, as WebSocket upgrades are). Admits a stream as a WebSocket is admitted ({@link ConnectionGate}:
 * draining, origin, connect rate, connections per address and per node), reads its channels and where to resume
 * ({@code Last-Event-ID}, else {@code since}), then hands it to an {@link SseConnection}, which authenticates and
 * checks permissions before the 200. Every refusal is the HTTP API's JSON error with its status, never an open
 * stream. One per event loop.
 */
public final class SseEndpoint implements VertxUpgrade.StreamEndpoint {

  public static final String PATH = "/sse";
  /**
   * The most channels one stream takes (or ws.max_subscriptions, if lower): its cursor goes in every event's
   * {@code id} and comes back as a {@code Last-Event-ID} header, which must fit the server's header limit.
   */
  public static final int MAX_CHANNELS = 64;

  private final GatewayLoop loop;
  private final ConnectionGate gate;
  private final SseEvents events = new SseEvents();

  public SseEndpoint(GatewayLoop loop) {
    this.loop = loop;
    this.gate = new ConnectionGate(loop);
  }

  /**
   * The router's part: the CORS preflight, and {@code GET /sse} over HTTP/2 (h2c), which the pipeline does not take
   * (an event stream is served over HTTP/1.1).
   */
  public void mount(Router router) {
    router.get(PATH).handler(ctx -> HttpErrors.send(ctx, ErrorCode.BAD_REQUEST,
        "an event stream needs its own HTTP/1.1 request: not over HTTP/2, not pipelined behind another"));
    router.options(PATH).handler(this::preflight);
  }

  /**
   * A browser's CORS preflight, sent before a cross-origin EventSource that carries {@code Last-Event-ID} or before
   * a fetch-based client's {@code Authorization}: allowed for the origins ws.allowed_origins allows.
   */
  private void preflight(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || !gate.originAllowed(origin)) {
      HttpErrors.send(ctx, ErrorCode.PERMISSION_DENIED, "origin not allowed");
      return;
    }
    ctx.response().setStatusCode(204)
        .putHeader("Access-Control-Allow-Origin", origin)
        .putHeader("Vary", "Origin")
        .putHeader("Access-Control-Allow-Methods", "GET")
        .putHeader("Access-Control-Allow-Headers", "Last-Event-ID, Authorization, Cache-Control")
        .putHeader("Access-Control-Max-Age", "600")
        .end();
  }

  @Override
  public String path() {
    return PATH;
  }

  /** A {@code GET /sse} taken from the pipeline ({@link VertxUpgrade}). */
  @Override
  public void open(StreamRequest request) {
    long start = System.nanoTime();
    RequestHead head = request.head();
    String ip = gate.clientIp(head.peerAddress(), head.headers("X-Forwarded-For"));
    if (!gate.hostAllowed(head.header("Host"), ip)) {
      refuse(request, ErrorCode.MISDIRECTED_REQUEST, "this host is not served here");
      return;
    }
    String origin = head.header("Origin");
    ConnectionGate.Refusal refusal = gate.screen(ip, origin);
    if (refusal != null) {
      refuse(request, refusal.code, refusal.message);
      return;
    }
    QueryStringDecoder query = new QueryStringDecoder(head.uri());
    List<String> channels;
    List<StreamPosition> starts;
    try {
      channels = channels(query.parameters().getOrDefault("channel", List.of()));
      starts = starts(head, query, channels.size());
    } catch (HeraldException e) {
      refuse(request, e.code(), e.getMessage());
      return;
    }
    ConnectionGate.Seat seat = gate.seat(ip);
    if (seat.refusedBy() != null) {
      // Too many from this address: the client should slow down; the node is full: it should try another.
      ErrorCode code = seat.refusedBy() == Limit.WS_CONNECTIONS_PER_IP ? ErrorCode.RATE_LIMITED : ErrorCode.UNAVAILABLE;
      gate.refused(seat, ip, origin, "HTTP " + code.httpStatus());
      refuse(request, code, seat.reason());
      return;
    }
    SseStream stream = new SseStream(request, ip, loop.hooks().forwardedHeaders(head),
        loop.services().config().get(HeraldConfig.WS_OUTBOUND_QUEUE_BYTES), SseEndpoint::refuse);
    // The seat is given back when the TCP connection closes, however the stream ends.
    stream.channel().closeFuture().addListener(f -> seat.release());
    new SseConnection(stream, loop, events, channels, starts).start(token(head, query), start);
  }

  /** The stream's channels: at least one, each valid, none twice, at most {@link #MAX_CHANNELS}. */
  private List<String> channels(List<String> names) {
    if (names.isEmpty()) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "give at least one channel: /sse?channel=name");
    }
    int max = Math.min(MAX_CHANNELS, loop.services().config().get(HeraldConfig.WS_MAX_SUBSCRIPTIONS));
    if (names.size() > max) {
      throw new HeraldException(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "a stream may take " + max + " channels");
    }
    if (new HashSet<>(names).size() != names.size()) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "a channel is given twice");
    }
    names.forEach(Json::validChannel);
    return List.copyOf(names);
  }

  /**
   * Where each channel resumes: from the {@code Last-Event-ID} cursor an EventSource sends when it reconnects, else
   * from {@code since} (one channel only), else live (null).
   */
  private static List<StreamPosition> starts(RequestHead head, QueryStringDecoder query, int channels) {
    String lastEventId = head.header("Last-Event-ID");
    if (lastEventId != null && !lastEventId.isEmpty()) {
      SseCursor cursor = SseCursor.parse(lastEventId, channels);
      List<StreamPosition> starts = new ArrayList<>(channels);
      for (int i = 0; i < channels; i++) {
        starts.add(cursor.get(i));
      }
      return starts;
    }
    String since = first(query, "since");
    if (since == null) {
      return Collections.nCopies(channels, null);
    }
    if (channels != 1) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "since is for a stream of one channel: several resume with Last-Event-ID");
    }
    return Collections.singletonList(SseCursor.position(since, "since"));
  }

  /** The token: {@code ?token=}, else {@code Authorization: Bearer}; null without one. */
  private static String token(RequestHead head, QueryStringDecoder query) {
    String token = first(query, "token");
    if (token != null) {
      return token;
    }
    String authorization = head.header("Authorization");
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim() : null;
  }

  private static String first(QueryStringDecoder query, String name) {
    List<String> values = query.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static void refuse(StreamRequest request, ErrorCode code, String message) {
    request.refuse(code.httpStatus(), HttpErrors.body(code, message).toBuffer());
  }

  /** A close before the stream opened, as the HTTP API's error: what the WebSocket's close code would have said. */
  private static void refuse(StreamRequest request, int closeCode, String reason) {
    ErrorCode code = closeCode == CloseCode.UNAUTHORIZED.code() ? ErrorCode.UNAUTHORIZED
        : closeCode == CloseCode.POLICY.code() ? ErrorCode.PERMISSION_DENIED
        : closeCode == CloseCode.TOO_MANY_CONNECTIONS.code() ? ErrorCode.RATE_LIMITED
        : closeCode == CloseCode.GOING_AWAY.code() ? ErrorCode.UNAVAILABLE
        // The connect hook's disconnect: the backend does not let this client in.
        : closeCode >= HookAnswer.MIN_DISCONNECT_CODE && closeCode <= HookAnswer.MAX_DISCONNECT_CODE ? ErrorCode.PERMISSION_DENIED
        : ErrorCode.INTERNAL;
    refuse(request, code, reason);
  }
}
