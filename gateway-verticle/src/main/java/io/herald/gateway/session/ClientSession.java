package io.herald.gateway.session;

import io.herald.core.ClientInfo;
import io.herald.core.CloseCode;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.RandomIds;
import io.herald.core.StreamPosition;
import io.herald.core.WallClock;
import io.herald.core.config.HeraldConfig;
import io.herald.core.webhooks.WebhookEvent;
import io.herald.core.webhooks.Webhooks;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.auth.Identity;
import io.herald.gateway.delivery.SubscriptionSink;
import io.herald.gateway.limits.ConnectionLifetime;
import io.herald.gateway.limits.LimitEvents.Limit;
import io.herald.gateway.limits.LimitEvents;
import io.herald.gateway.limits.NewChannelBudget;
import io.herald.gateway.limits.PublishRateLimiter.Verdict;
import io.herald.gateway.limits.PublishRateLimiter;
import io.herald.gateway.limits.WriteTimeout;
import io.herald.gateway.transport.ClientTransport.FrameKind;
import io.herald.gateway.transport.ClientTransport;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What every client connection of the gateway shares, whatever its protocol (/ws, GraphQL, server-sent
 * events): the bounded outbound queue with its slow-consumer close (4008), the inbound size limit (1009) and
 * the reassembly of fragmented messages, the heartbeat (ping when silent, 4011 when dead; for SSE, whose client
 * answers nothing, a keep-alive comment), the connection's lifetime (4010) and write timeout, the publish and
 * request rates and the new-channel budget, the connection's authentication ({@link ConnectionAuth}), its place
 * in the node's registry, and closing exactly once. The wire itself (frames, pings, the close handshake or the
 * stream's end, flushes, the read rate) is a {@link ClientTransport}; what the messages mean is its
 * {@link Protocol}'s, which holds the session rather than extending it, so the two share no mutable state. Runs
 * on the connection's event loop.
 */
public final class ClientSession implements Heartbeats.Target, ClientTransport.Listener, SubscriptionSink.Connection {

  /**
   * A protocol spoken over a session (/ws, graphql-transport-ws, server-sent events): it reads the session's whole data
   * messages and owns the subscriptions they open. Called on the session's event loop.
   */
  public interface Protocol {

    /** The protocol's name in logs. */
    String name();

    /** A whole text message (its frames reassembled). */
    void onText(String message);

    /** A whole binary message (its frames reassembled). */
    void onBinary(Buffer message);

    /** Ends this connection's subscriptions to {@code channel} ({@code POST /api/unsubscribe}); whether it had any. */
    boolean unsubscribeByServer(String channel);

    /**
     * Subscribes the connection to {@code channel} as if the client had asked, from {@code since} (null: live), for
     * {@code POST /api/subscribe}; whether a subscription started. Only a protocol whose client can be told of a
     * subscription it did not ask for takes them (/ws); by default none.
     */
    default boolean subscribeByServer(String channel, StreamPosition since) {
      return false;
    }

    /** The subscription token behind {@code key} expired (no refresh came): end that subscription. */
    void subscriptionTokenExpired(Object key);

    /** A token was refused (and logged): close the session with the protocol's code, and {@code reason} if it shows one. */
    void refused(String reason);

    /** The session is over (closed by either side): release its subscriptions. */
    void ended();

    /**
     * The deliveries a batching window held ({@code batch_ms}), in order, as the buffers to write: by default each
     * as it is (one write each, flushed together); a protocol may join them (a /ws {@code messages} frame, one
     * chunk of events).
     */
    default List<Buffer> batched(List<Buffer> deliveries) {
      return deliveries;
    }
  }

  /** Each connection's start and end, at DEBUG (off unless log.levels asks for it: a line per connection). */
  private static final Logger CLIENTS = LoggerFactory.getLogger("io.herald.clients");

  private final ClientTransport transport;
  private final GatewayLoop loop;
  private final Context context;
  private final Protocol protocol;
  /** Who this connection is, as presence lists it (its user is set once it authenticates). */
  private ClientInfo info;
  /** Made with the first token or refusal: an anonymous connection has none. */
  private ConnectionAuth auth;
  private final int maxMessageBytes;
  /** Bytes of the inbound data message being received so far (its fragments up to now). */
  private long inboundMessageBytes;
  /** The fragments of the inbound data message being received, or null between messages. */
  private Buffer fragments;
  private boolean fragmentsText;
  /** Completes when the socket itself is closed: close handshake done, or the TCP connection gone. */
  private final Promise<Void> socketClosed = Promise.promise();
  private final LimitEvents limits;
  private final ConnectionLifetime lifetime;
  private final WriteTimeout writeTimeout;
  /** Created with the first publish: most of an idle connection's memory is Netty's, keep ours small. */
  private PublishRateLimiter publishRate;
  /** Created with the first history, presence or subscribe request, as {@link #publishRate}. */
  private PublishRateLimiter requestRate;
  /** Created with the first request that may create a channel. */
  private NewChannelBudget newChannels;
  /** Deliveries held by a batching window (batch_ms), in order; null when none wait. */
  private List<Buffer> batch;
  private long batchBytes;
  private long batchTimer = -1;
  private long lastHeardMs;
  private long lastPingMs;
  private boolean closed;
  /** The protocol accepted the client ({@link #connected}): its end is a {@code disconnect} for the webhook. */
  private boolean accepted;

  /** A session of {@code protocol} on {@code transport}; it serves nothing until {@link #open}. */
  public ClientSession(ClientTransport transport, GatewayLoop loop, Protocol protocol) {
    this.transport = transport;
    this.loop = loop;
    this.context = Vertx.currentContext();
    this.protocol = protocol;
    this.info = new ClientInfo(RandomIds.next(16), null, loop.services().nodeId());
    this.maxMessageBytes = loop.services().config().get(HeraldConfig.WS_MAX_FRAME_BYTES);
    this.limits = LimitEvents.of(loop.vertx(), loop.services().meterRegistry());
    this.lifetime = ConnectionLifetime.from(loop.services().config(), System.currentTimeMillis());
    this.writeTimeout = WriteTimeout.of(transport.channel(), loop.services().config());
  }

  /**
   * Starts listening to the transport, and counts the connection in the heartbeat sweep and the node's registry.
   * Reading begins once the current task ends, so what the protocol does right after (in the same task) comes
   * before any message.
   */
  public void open() {
    lastHeardMs = System.currentTimeMillis();
    lastPingMs = lastHeardMs;
    loop.heartbeats().add(this);
    loop.services().connections().add(this);
    transport.listen(this);
  }

  /**
   * Reassembles data messages from their frames for the protocol and closes with 1009 a message whose
   * fragments together exceed ws.max_frame_bytes.
   */
  @Override
  public void onFrame(FrameKind kind, boolean isFinal, Buffer data) {
    // Frames still in flight once the server closed the connection are not served.
    if (closed) {
      return;
    }
    boolean continuation = kind == FrameKind.CONTINUATION;
    inboundMessageBytes = (continuation ? inboundMessageBytes : 0) + data.length();
    if (inboundMessageBytes > maxMessageBytes) {
      fragments = null;
      close(CloseCode.TOO_LARGE);
      return;
    }
    if (!continuation) {
      fragmentsText = kind == FrameKind.TEXT;
      fragments = null;
      if (isFinal) {
        inboundMessageBytes = 0;
        dispatch(fragmentsText, data);
      } else {
        fragments = Buffer.buffer().appendBuffer(data);
      }
    } else if (fragments != null) { // Netty's decoder refuses a continuation outside a message (1002)
      fragments.appendBuffer(data);
      if (isFinal) {
        Buffer whole = fragments;
        fragments = null;
        inboundMessageBytes = 0;
        dispatch(fragmentsText, whole);
      }
    }
  }

  /** A whole data message: the peer is alive, and the protocol reads it. */
  private void dispatch(boolean text, Buffer message) {
    heard();
    if (text) {
      protocol.onText(message.toString(StandardCharsets.UTF_8));
    } else {
      protocol.onBinary(message);
    }
  }

  /**
   * A frame Netty's decoder refuses (over ws.max_frame_bytes, or breaking the protocol: a reserved opcode or
   * RSV bit, an unmasked or fragmented control frame, a continuation out of place...) fails in the decoder,
   * which is configured not to answer protocol violations itself; the socket drops the connection once
   * what is written now is out. Send the close frame with the decoder's status first (the client would
   * otherwise see 1006): 1009 for size, 1002 (protocol error) for the others.
   */
  @Override
  public void onError(Throwable t) {
    loop.services().metrics().connectionError();
    if (t instanceof CorruptedWebSocketFrameException e) {
      WebSocketCloseStatus status = e.closeStatus() == null ? WebSocketCloseStatus.MESSAGE_TOO_BIG : e.closeStatus();
      if (status == WebSocketCloseStatus.MESSAGE_TOO_BIG) {
        close(CloseCode.TOO_LARGE);
      } else {
        close((short) status.code(), status.reasonText());
      }
    }
  }

  @Override
  public void onPong() {
    heard();
  }

  /**
   * Takes {@code cost} tokens of ws.publish_rate for a publish from this client (a /ws {@code publish} frame, a
   * GraphQL mutation over the socket). On REJECT the caller refuses the publish with {@code rate_limited};
   * on CLOSE the client kept going past ws.publish_max_rejections and the connection is closed here (1008).
   * Its bytes are held back before, by ws.read_bytes_rate.
   */
  public Verdict publishRate(int cost) {
    return metered(publishLimiter(), cost, Limit.PUBLISH_RATE, Limit.PUBLISH_RATE_CLOSE, "publish rate limit exceeded");
  }

  /** The publish limiter, made with the first publish (or refusal): most connections never publish. */
  private PublishRateLimiter publishLimiter() {
    if (publishRate == null) {
      publishRate = PublishRateLimiter.from(loop.services().config());
    }
    return publishRate;
  }

  /**
   * Takes {@code cost} tokens of ws.request_rate for requests that cost the node a lookup or a signature check:
   * history, presence, subscribe, a token presented (connect, refresh, sub_refresh; GraphQL: a query or
   * subscription over the socket, each token a ping carries); REJECT and CLOSE as for {@link #publishRate}.
   */
  public Verdict requestRate(int cost) {
    if (requestRate == null) {
      requestRate = PublishRateLimiter.forRequests(loop.services().config());
    }
    return metered(requestRate, cost, Limit.REQUEST_RATE, Limit.REQUEST_RATE_CLOSE, "request rate limit exceeded");
  }

  /** Takes {@code cost} of {@code limiter}: a REJECT is logged and counted, a CLOSE also closes with 1008. */
  private Verdict metered(PublishRateLimiter limiter, int cost, Limit rejected, Limit closed, String closeReason) {
    Verdict verdict = limiter.check(cost);
    if (verdict == Verdict.REJECT) {
      limitTriggered(rejected, "error rate_limited");
    } else if (verdict == Verdict.CLOSE) {
      limitTriggered(closed, "close " + CloseCode.POLICY.code());
      close(CloseCode.POLICY.code(), closeReason);
    }
    return verdict;
  }

  /**
   * Whether the next publish or subscribe may create its channel (ws.new_channel_rate): takes a token if one
   * is left. Without one the request still goes, but only to a channel that exists. See {@link NewChannelBudget}.
   */
  public boolean mayCreateChannel() {
    if (newChannels == null) {
      newChannels = NewChannelBudget.from(loop.services().config());
    }
    return newChannels.take();
  }

  /**
   * After a publish or subscribe that took a ws.new_channel_rate token ({@code charged}) or went without:
   * gives the token back when no channel was created, counts and logs the refusal of one it could not create.
   */
  public void settleNewChannel(String channel, boolean charged, boolean created, Throwable failure) {
    if (charged && !created) {
      newChannels.giveBack();
    } else if (!charged && failure instanceof HeraldException he && he.code() == ErrorCode.RATE_LIMITED) {
      limitTriggered(Limit.NEW_CHANNEL_RATE, channel, "error rate_limited");
      // A client that keeps asking for new channels past the refusals is closed like one publishing past them.
      if (publishLimiter().rejected() == Verdict.CLOSE) {
        limitTriggered(Limit.PUBLISH_RATE_CLOSE, "close " + CloseCode.POLICY.code());
        close(CloseCode.POLICY.code(), "new channel rate limit exceeded");
      }
    }
  }

  /** Records that a limit refused or closed this client: metrics, and a rate-limited WARN with id, user, IP and origin. */
  private void limitTriggered(Limit limit, String what) {
    limitTriggered(limit, null, what);
  }

  /** As {@link #limitTriggered(Limit, String)}, for a request to {@code channel}. */
  private void limitTriggered(Limit limit, String channel, String what) {
    limits.triggered(limit, id(), info.user(), channel, clientIp(), origin(), what);
  }

  /** This connection's client id (in presence, {@code POST /api/disconnect}). */
  public String id() {
    return info.client();
  }

  /** The authenticated user, or null. */
  public String user() {
    return info.user();
  }

  /** Who this connection is, as presence and join/leave events show it. */
  public ClientInfo info() {
    return info;
  }

  /** The verified identity, or null for an anonymous connection. */
  public Identity identity() {
    return auth == null ? null : auth.identity();
  }

  /** This connection's authentication, made on first use (an anonymous connection never needs one). */
  public ConnectionAuth auth() {
    if (auth == null) {
      auth = new ConnectionAuth(this);
    }
    return auth;
  }

  /** The connection authenticated as {@code user}: presence lists it so from now on. */
  void identified(String user) {
    info = new ClientInfo(info.client(), user, info.node(), info.info());
  }

  /** The connect hook attached {@code connectionInfo} (a JSON object) to the connection: presence shows it from now on. */
  void described(JsonObject connectionInfo) {
    if (connectionInfo != null) {
      info = new ClientInfo(info.client(), info.user(), info.node(), connectionInfo.encode());
    }
  }

  /** The protocol's name: {@code ws}, {@code sse}, {@code graphql-ws}. */
  public String protocolName() {
    return protocol.name();
  }

  /** The request headers kept for the connect hook (proxy.headers). */
  public java.util.Map<String, String> forwardedHeaders() {
    return transport.forwardedHeaders();
  }

  /** Whether this session is over, or its transport already closed (the peer left): nothing more is applied to it. */
  public boolean gone() {
    return closed || transport.isClosed();
  }

  /** The event loop, services and node auth this session runs with. */
  public GatewayLoop loop() {
    return loop;
  }

  /** The request's URI (path and query): the upgrade's, or the event stream's. */
  public String uri() {
    return transport.uri();
  }

  String clientIp() {
    return transport.clientIp();
  }

  String origin() {
    return transport.origin();
  }

  Protocol protocol() {
    return protocol;
  }

  /** Ends this connection's subscriptions to {@code channel} ({@code POST /api/unsubscribe}); returns whether it had any. */
  public boolean unsubscribeByServer(String channel) {
    return protocol.unsubscribeByServer(channel);
  }

  /** Subscribes this connection to {@code channel} ({@code POST /api/subscribe}); returns whether it started one. */
  public boolean subscribeByServer(String channel, StreamPosition since) {
    return !closed() && protocol.subscribeByServer(channel, since);
  }

  /**
   * The protocol accepted the client (sent /ws {@code connected}, GraphQL {@code connection_ack}, or started the
   * event stream): the webhook hears {@code connect} once, with the user as authenticated by then, and
   * {@code disconnect} when the session ends.
   */
  public void connected() {
    if (accepted || closed) {
      return;
    }
    accepted = true;
    webhook(WebhookEvent.Type.CONNECT);
    if (CLIENTS.isDebugEnabled()) {
      logLine().addKeyValue("ip", clientIp()).log("connected");
    }
  }

  /** A DEBUG line of io.herald.clients with the connection's fields (the user once it authenticated). */
  private LoggingEventBuilder logLine() {
    LoggingEventBuilder line = CLIENTS.atDebug().addKeyValue("client", info.client()).addKeyValue("protocol", protocol.name());
    return info.user() == null ? line : line.addKeyValue("user", info.user());
  }

  /** The end of the session: {@code code} when the server closed it, null when the client did. */
  private void logEnd(Short code) {
    if (CLIENTS.isDebugEnabled()) {
      LoggingEventBuilder line = logLine().addKeyValue("by", code == null ? "client" : "server");
      (code == null ? line : line.addKeyValue("code", code)).log("disconnected");
    }
  }

  private void webhook(WebhookEvent.Type type) {
    Webhooks webhooks = loop.services().webhooks();
    if (webhooks.wants(type)) {
      webhooks.emit(WebhookEvent.connection(type, info.client(), info.user(), WallClock.micros()));
    }
  }

  /** The peer sent something: it is alive. */
  private void heard() {
    lastHeardMs = System.currentTimeMillis();
  }

  /**
   * Delivers one encoded message: at once as {@link #send}, or with {@code batchMs} above 0 held until the batching
   * window that its arrival opened (or found open) ends, to go out with the connection's other deliveries of the
   * window in one write ({@link Protocol#batched}). Held bytes count toward the outbound bound (4008). Returns
   * whether the message was written or held.
   */
  public boolean deliver(Buffer frame, int batchMs) {
    if (batchMs == 0) {
      return send(frame);
    }
    if (closed || transport.isClosed()) {
      return false;
    }
    batchBytes += frame.length();
    if (transport.writeQueueFull() || batchBytes > transport.outboundLimit()) {
      overflow();
      return false;
    }
    if (batch == null) {
      batch = new ArrayList<>();
      batchTimer = loop.hub().later(batchMs, this::flushBatch);
    }
    batch.add(frame);
    return true;
  }

  /** Writes what the batching window held, in one go; anything sent meanwhile goes after it, so order holds. */
  private void flushBatch() {
    batchTimer = -1;
    List<Buffer> held = batch;
    batch = null;
    batchBytes = 0;
    if (held == null || closed || transport.isClosed()) {
      return;
    }
    for (Buffer b : protocol.batched(held)) {
      transport.write(b);
    }
  }

  /** Drops a held batch: the session is over. */
  private void dropBatch() {
    if (batchTimer >= 0) {
      loop.hub().cancel(batchTimer);
      batchTimer = -1;
    }
    batch = null;
    batchBytes = 0;
  }

  /**
   * Writes one encoded text frame unless the outbound queue is over its bound, in which case the
   * client is too slow and is closed with 4008. Returns whether the frame was written. Deliveries a batching window
   * holds go first.
   */
  public boolean send(Buffer frame) {
    if (batch != null) {
      if (batchTimer >= 0) {
        loop.hub().cancel(batchTimer);
      }
      flushBatch();
    }
    // transport.isClosed(): the peer's close frame arrived but the transport is not closed yet.
    if (closed || transport.isClosed()) {
      return false;
    }
    if (transport.writeQueueFull()) {
      overflow();
      return false;
    }
    transport.write(frame);
    return true;
  }

  /** Bytes that may wait in the outbound queue. */
  @Override
  public int outboundLimit() {
    return transport.outboundLimit();
  }

  /** The client fell too far behind: closed as a slow consumer (4008). */
  @Override
  public void overflow() {
    close(CloseCode.SLOW_CONSUMER);
  }

  @Override
  public void heartbeat(long now, long pingIntervalMs, long pongTimeoutMs) {
    if (lifetime.expired(now)) {
      limits.counted(Limit.LIFETIME); // the normal end of a long connection: counted, not logged
      close(CloseCode.LIFETIME_REACHED);
      return;
    }
    if (writeTimeout != null && writeTimeout.stuck(now)) {
      limitTriggered(Limit.WRITE_TIMEOUT, "dropped (" + CloseCode.SLOW_CONSUMER.code() + ", write timeout)");
      abort(CloseCode.SLOW_CONSUMER);
      return;
    }
    if (!transport.hearsPeer()) {
      // Nothing comes back on this wire: keep it alive (and proxies from timing it out), never judge it silent.
      if (now - lastPingMs >= pingIntervalMs && !transport.isClosed()) {
        lastPingMs = now;
        transport.writePing();
      }
      return;
    }
    if (transport.readPaused()) {
      // The node itself is not reading (ws.read_bytes_rate): a pong may be waiting unread. Silence starts again
      // when reading resumes.
      heard();
      return;
    }
    long silent = now - lastHeardMs;
    if (silent >= pingIntervalMs + pongTimeoutMs) {
      close(CloseCode.HEARTBEAT_TIMEOUT);
    } else if (silent >= pingIntervalMs && now - lastPingMs >= pingIntervalMs && !transport.isClosed()) {
      lastPingMs = now;
      transport.writePing();
    }
  }

  public void close(CloseCode code) {
    close(code.code(), code.reason());
  }

  /** Closes with {@code code} and a reason that says more than the code's own. */
  public void close(CloseCode code, String reason) {
    close(code.code(), reason);
  }

  /** Closes with {@code code}; the session's subscriptions end at once. */
  public void close(short code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    loop.services().metrics().closed(code);
    logEnd(code);
    release();
    transport.close(code, reason);
  }

  /**
   * Ends the session like {@link #close(CloseCode)} but drops the TCP connection at once, without a close
   * frame: for a peer that reads nothing, which would never get the frame.
   */
  private void abort(CloseCode code) {
    if (closed) {
      return;
    }
    closed = true;
    loop.services().metrics().closed(code.code());
    logEnd(code.code());
    release();
    transport.abort();
  }

  @Override
  public void onClosed() {
    socketClosed.tryComplete();
    if (!closed) {
      closed = true;
      loop.services().metrics().closedByClient(transport.peerCloseCode());
      logEnd(null);
      release();
    }
  }

  private void release() {
    dropBatch();
    if (auth != null) {
      auth.release();
    }
    loop.heartbeats().remove(this);
    loop.services().connections().remove(this);
    protocol.ended();
    if (accepted) {
      webhook(WebhookEvent.Type.DISCONNECT); // after the protocol's leaves
    }
  }

  public boolean closed() {
    return closed;
  }

  /** Runs {@code action} on this session's event loop. */
  public void runOnLoop(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  /**
   * Completes once the socket is closed, which may be well after {@link #close}: the client has to
   * answer the close frame (or the server's closing timeout to expire). The shutdown drain waits for it.
   */
  public Future<Void> socketClosed() {
    return socketClosed.future();
  }
}
