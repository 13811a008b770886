package io.herald.gateway;

import io.herald.core.ClientInfo;
import io.herald.core.CloseCode;
import io.herald.core.RandomIds;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.AuthFailure;
import io.herald.gateway.auth.Identity;
import io.herald.gateway.auth.NodeAuth;
import io.herald.gateway.impl.WebSocketWrites;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * What every server-side WebSocket of the gateway shares, whatever its protocol (/ws, GraphQL): the
 * bounded outbound queue with its slow-consumer close (4008), consolidated flushes, the inbound size
 * limit (1009), the heartbeat (ping when silent, 4011 when dead) and closing exactly once. Runs on the socket's event loop.
 */
public abstract class WebSocketSession implements Heartbeats.Target {

  private static final Buffer EMPTY = Buffer.buffer();

  protected final ServerWebSocket ws;
  protected final GatewayLoop loop;
  protected final Context context;
  /** Who this connection is, as presence lists it (its user is set once it authenticates). */
  protected ClientInfo info;
  /** The node's authentication state. */
  protected final NodeAuth auth;
  /** The verified token's identity, or null while anonymous. */
  private Identity identity;
  private long expiryTimer = -1;
  private final int outboundLimit;
  private final int maxMessageBytes;
  /** Bytes of the inbound data message being received so far (its fragments up to now). */
  private long inboundMessageBytes;
  /** Completes when the socket itself is closed: close handshake done, or the TCP connection gone. */
  private final Promise<Void> socketClosed = Promise.promise();
  private long lastHeardMs;
  private long lastPingMs;
  private boolean closed;

  protected WebSocketSession(ServerWebSocket ws, GatewayLoop loop) {
    this.ws = ws;
    this.loop = loop;
    this.context = Vertx.currentContext();
    this.info = new ClientInfo(RandomIds.next(16), null, loop.services().nodeId());
    this.auth = loop.auth();
    this.outboundLimit = loop.services().config().get(HeraldConfig.WS_OUTBOUND_QUEUE_BYTES);
    this.maxMessageBytes = loop.services().config().get(HeraldConfig.WS_MAX_FRAME_BYTES);
  }

  /** Installs the shared handlers; subclasses add their message handlers. */
  protected void open() {
    ws.setWriteQueueMaxSize(outboundLimit);
    WebSocketWrites.consolidateFlushes(ws);
    ws.pongHandler(b -> heard());
    ws.frameHandler(this::checkMessageSize);
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> onSocketClosed());
    lastHeardMs = System.currentTimeMillis();
    loop.heartbeats().add(this);
    loop.services().connections().add(this);
  }

  /**
   * Closes with 1009 a message whose fragments together exceed ws.max_frame_bytes: Vert.x only drops
   * such a message (reporting it to the exception handler) and keeps the connection open.
   */
  private void checkMessageSize(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary() || frame.isContinuation()) {
      inboundMessageBytes = (frame.isContinuation() ? inboundMessageBytes : 0) + frame.binaryData().length();
      if (inboundMessageBytes > maxMessageBytes) {
        close(CloseCode.TOO_LARGE);
      } else if (frame.isFinal()) {
        inboundMessageBytes = 0;
      }
    }
  }

  /**
   * A single frame over ws.max_frame_bytes fails in Netty's decoder, which Vert.x configures not to answer
   * protocol violations: Vert.x then drops the TCP connection without a close frame (the client would
   * see 1006). Send the close frame with 1009 first.
   */
  private void onException(Throwable t) {
    loop.services().metrics().connectionError();
    if (t instanceof CorruptedWebSocketFrameException e && e.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG) {
      close(CloseCode.TOO_LARGE);
    }
  }

  /** This connection's client id (in presence, {@code POST /api/disconnect}). */
  public final String id() {
    return info.client();
  }

  /** The authenticated user, or null. */
  public final String user() {
    return info.user();
  }

  /** The verified identity, or null for an anonymous connection. */
  public final Identity identity() {
    return identity;
  }

  /**
   * Makes {@code verified} this connection's identity: the first time, counts it against
   * auth.max_connections_per_user (false: over the limit, nothing changed); later (a refresh), its user
   * must stay the same. Either way the connection closes with 1008 "token expired" when the token expires.
   *
   * @throws AuthFailure with USER_CHANGED when a refresh names another user
   */
  protected final boolean authenticated(Identity verified) throws AuthFailure {
    if (identity == null) {
      if (!auth.addConnection(verified.user())) {
        return false;
      }
      info = new ClientInfo(info.client(), verified.user(), info.node());
    } else if (!identity.user().equals(verified.user())) {
      throw new AuthFailure(AuthFailure.Reason.USER_CHANGED);
    }
    identity = verified;
    if (expiryTimer >= 0) {
      context.owner().cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    if (verified.expiresAtMs() > 0) {
      long delay = Math.max(1, verified.expiresAtMs() - System.currentTimeMillis());
      expiryTimer = context.owner().setTimer(delay, id -> {
        expiryTimer = -1;
        logAuthFailure(verified.user(), AuthFailure.Reason.EXPIRED.text());
        close(CloseCode.POLICY.code(), "token expired");
      });
    }
    return true;
  }

  /** Logs a refused token for this connection: client, user, IP, origin and reason (never the token). */
  protected final void logAuthFailure(String user, String reason) {
    NodeAuth.logFailure(protocol(), id(), user, ws.remoteAddress() == null ? null : ws.remoteAddress().hostAddress(),
        ws.headers() == null ? null : ws.headers().get("Origin"), reason);
  }

  /** The protocol's name in logs. */
  protected abstract String protocol();

  /** Ends this connection's subscriptions to {@code channel} ({@code POST /api/unsubscribe}); returns whether it had any. */
  public abstract boolean unsubscribeByServer(String channel);

  /** The peer sent something: it is alive. */
  protected final void heard() {
    lastHeardMs = System.currentTimeMillis();
  }

  /**
   * Writes one encoded text frame unless the outbound queue is over its bound, in which case the
   * client is too slow and is closed with 4008. Returns whether the frame was written.
   */
  public final boolean send(Buffer frame) {
    // ws.isClosed(): the peer's close frame arrived but the socket is not closed yet; Vert.x throws on writes then.
    if (closed || ws.isClosed()) {
      return false;
    }
    if (ws.writeQueueFull()) {
      overflow();
      return false;
    }
    WebSocketWrites.writeText(ws, frame);
    return true;
  }

  public int outboundLimit() {
    return outboundLimit;
  }

  public void overflow() {
    close(CloseCode.SLOW_CONSUMER);
  }

  @Override
  public void heartbeat(long now, long pingIntervalMs, long pongTimeoutMs) {
    long silent = now - lastHeardMs;
    if (silent >= pingIntervalMs + pongTimeoutMs) {
      close(CloseCode.HEARTBEAT_TIMEOUT);
    } else if (silent >= pingIntervalMs && now - lastPingMs >= pingIntervalMs && !ws.isClosed()) {
      lastPingMs = now;
      ws.writePing(EMPTY);
    }
  }

  public final void close(CloseCode code) {
    close(code.code(), code.reason());
  }

  /** Closes with {@code code}; the session's subscriptions end at once. */
  public final void close(short code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    loop.services().metrics().closed(code);
    release();
    ws.close(code, reason);
  }

  private void onSocketClosed() {
    socketClosed.tryComplete();
    if (!closed) {
      closed = true;
      loop.services().metrics().closedByClient();
      release();
    }
  }

  private void release() {
    if (expiryTimer >= 0) {
      context.owner().cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    if (identity != null) {
      auth.removeConnection(identity.user());
    }
    loop.heartbeats().remove(this);
    loop.services().connections().remove(this);
    ended();
  }

  /** The session is over (closed by either side): release its subscriptions. */
  protected abstract void ended();

  public final boolean closed() {
    return closed;
  }

  /** Runs {@code action} on this session's event loop. */
  public final void runOnLoop(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  /**
   * Completes once the socket is closed, which may be well after {@link #close}: the client has to
   * answer the close frame (or the server's closing timeout to expire). The shutdown drain waits for it.
   */
  public final Future<Void> socketClosed() {
    return socketClosed.future();
  }
}
