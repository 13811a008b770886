package io.herald.gateway.ws;

import io.herald.core.CloseCode;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.HistoryQuery;
import io.herald.core.Json;
import io.herald.core.Message;
import io.herald.core.PublishRequest;
import io.herald.core.StreamPosition;
import io.herald.core.config.HeraldConfig;
import io.herald.core.config.NamespaceOptions.ProxyOptions;
import io.herald.core.config.NamespaceOptions;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.auth.AuthFailure;
import io.herald.gateway.auth.ChannelPermissions.Operation;
import io.herald.gateway.auth.ChannelPermissions;
import io.herald.gateway.auth.NodeAuth;
import io.herald.gateway.delivery.Subscription;
import io.herald.gateway.delivery.SubscriptionSink;
import io.herald.gateway.hooks.HookAnswer;
import io.herald.gateway.hooks.HookKind;
import io.herald.gateway.session.ChannelHook;
import io.herald.gateway.session.ChannelSubscriptions;
import io.herald.gateway.session.ClientSession;
import io.herald.gateway.session.ConnectHook;
import io.herald.gateway.transport.ClientSocket;
import io.herald.gateway.wire.Frames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The /ws protocol on one connection: parses client frames, answers them, and owns the connection's
 * subscriptions. What every WebSocket shares (queue, limits, heartbeat, auth, closing) is its
 * {@link ClientSession}. Every method runs on the connection's event loop; other threads go through
 * {@link ClientSession#runOnLoop}.
 */
public final class ClientConnection implements ClientSession.Protocol, SubscriptionSink {

  private final ClientSession session;
  private final GatewayServices services;
  private final ChannelSubscriptions subscriptions;
  /** Channels subscribed with a verified subscription token: they may also be published to and read. */
  private Set<String> granted;
  /**
   * Channels the server subscribed this connection to (POST /api/subscribe, the token's subs claim): the backend
   * chose them, so a refresh's permission check does not end them.
   */
  private Set<String> serverSubscribed;
  private long authTimer = -1;
  /** The client asked for {@code messages} frames ({@code ?batch=true}): a batching window's deliveries go in one. */
  private boolean messagesFrames;
  /** Whether {@code connected} was sent: until then only connect, refresh and ping are served. */
  private boolean connected;
  /** Whether the connect hook is being asked about this connection. */
  private boolean connectHookRunning;

  ClientConnection(ClientSocket socket, GatewayLoop loop) {
    this.session = new ClientSession(socket, loop, this);
    this.services = loop.services();
    this.subscriptions = new ChannelSubscriptions(session);
  }

  void start(long upgradeStartNanos) {
    session.open();
    services.metrics().connectionSetup(System.nanoTime() - upgradeStartNanos);
    NodeAuth auth = nodeAuth();
    Map<String, List<String>> query = new QueryStringDecoder(session.uri()).parameters();
    String batch = first(query, "batch");
    messagesFrames = "true".equals(batch) || "1".equals(batch);
    String token = auth.verifier().enabled() ? first(query, "token") : null;
    boolean connectHook = session.loop().hooks().enabled(HookKind.CONNECT);
    if (token != null) {
      if (authenticate(token)) {
        if (connectHook) {
          connectThroughHook(null, null, null);
        } else {
          sendConnected(null);
          subscribeServerSide(session.identity().subs(), null);
        }
      }
    } else if (!auth.required() && !connectHook) {
      sendConnected(null);
    }
    if (!connected && !session.closed()) {
      // No `connected` until a `connect` frame brings a valid token, or the connect hook admits the connection.
      authTimer = session.loop().vertx().setTimer(auth.timeoutMs(), t -> {
        authTimer = -1;
        if (!connected) {
          session.auth().refuse(AuthFailure.Reason.TIMEOUT.text());
        }
      });
    }
  }

  /**
   * Asks the connect hook (once a token given is verified) and, when it admits the connection, says {@code connected}
   * and subscribes the channels it named and the token's subs claim, from {@code positions} (connect's {@code subs}).
   * A failed call is answered with {@code internal}; the client may connect again.
   */
  private void connectThroughHook(Long id, Object data, JsonObject positions) {
    connectHookRunning = true;
    ConnectHook.run(session, data).onComplete(ar -> {
      connectHookRunning = false;
      if (ar.failed()) {
        sendError(id, errorCode(ar.cause()), ar.cause().getMessage(), null);
      } else if (ar.result() != null) {
        cancelAuthTimer();
        sendConnected(id);
        subscribeServerSide(ar.result().subs(), positions);
        subscribeServerSide(session.identity() == null ? List.of() : session.identity().subs(), positions);
      }
    });
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Verifies {@code token} and makes it this connection's identity; on failure the connection is closed. */
  private boolean authenticate(String token) {
    if (!session.auth().authenticate(token)) {
      return false;
    }
    cancelAuthTimer();
    return true;
  }

  private void cancelAuthTimer() {
    if (authTimer >= 0) {
      session.loop().vertx().cancelTimer(authTimer);
      authTimer = -1;
    }
  }

  /** A refused token closes with 4001 and the refusal's reason. */
  @Override
  public void refused(String reason) {
    session.close(CloseCode.UNAUTHORIZED, reason);
  }

  @Override
  public String name() {
    return "ws";
  }

  private void sendConnected(Long requestId) {
    connected = true;
    session.send(Frames.connected(requestId, session.id(), services.nodeId(),
        services.config().get(HeraldConfig.WS_PING_INTERVAL_MS), session.user()));
    session.connected();
  }

  /** {@code connect} (or {@code refresh}): authenticates, or replaces the token of an authenticated connection. */
  private void connect(Long id, JsonObject frame, boolean refresh) {
    Object token = frame.getValue("token");
    if (token != null && !(token instanceof String)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "token must be a string");
    }
    JsonObject positions = refresh ? null : claimedPositions(frame);
    NodeAuth auth = nodeAuth();
    if (!connected && session.loop().hooks().enabled(HookKind.CONNECT)) {
      if (refresh || connectHookRunning) {
        throw new HeraldException(ErrorCode.BAD_REQUEST, refresh ? "connect first" : "connect is in progress");
      }
      if (token == null || !auth.verifier().enabled() || authenticate((String) token)) {
        connectThroughHook(id, frame.getValue("data"), positions);
      }
      return;
    }
    if (!auth.verifier().enabled() || (token == null && (session.identity() != null || !auth.required()))) {
      if (refresh) {
        throw new HeraldException(ErrorCode.BAD_REQUEST, auth.verifier().enabled() ? "refresh needs a token" : "authentication is off");
      }
      sendConnected(id); // auth off, or anonymous allowed: as before the security work
      return;
    }
    boolean wasAuthenticated = session.identity() != null;
    if (!authenticate((String) token)) {
      return;
    }
    if (wasAuthenticated) {
      // The new token's channels claim may differ: a subscription it does not allow ends.
      session.auth().recheck(subscriptions.all(), Subscription::channel, s -> exempt(s.channel()), (s, e) -> {
        drop(s);
        session.send(Frames.unsubscribed(null, s.channel(), ErrorCode.PERMISSION_DENIED.wire()));
      });
    }
    if (refresh) {
      session.send(Frames.refreshed(id, session.user(), session.identity().expiresAtMs()));
    } else {
      sendConnected(id);
      if (!wasAuthenticated) {
        subscribeServerSide(session.identity().subs(), positions);
      }
    }
  }

  private NodeAuth nodeAuth() {
    return session.loop().auth();
  }

  private ChannelPermissions permissions() {
    return nodeAuth().permissions();
  }

  private boolean granted(String channel) {
    return granted != null && granted.contains(channel);
  }

  @Override
  public void onText(String text) {
    Long id = null;
    try {
      Buffer raw = Buffer.buffer(text);
      JsonObject frame = Json.object(raw);
      id = requestId(frame);
      Object type = frame.getValue("type");
      if (!(type instanceof String typeName)) {
        throw new HeraldException(ErrorCode.BAD_REQUEST, "missing field: type");
      }
      FrameType frameType = FrameType.of(typeName);
      if (frameType == null) {
        throw new HeraldException(ErrorCode.UNKNOWN_TYPE, "unknown type: " + typeName);
      }
      handle(frameType, id, frame, raw);
    } catch (HeraldException e) {
      sendError(id, e.code(), e.getMessage(), null);
    }
  }

  @Override
  public void onBinary(Buffer message) {
    sendError(null, ErrorCode.BAD_REQUEST, "binary frames are not supported: send JSON text frames", null);
  }

  private static Long requestId(JsonObject frame) {
    Object id = frame.getValue("id");
    if (id == null) {
      return null;
    }
    if (id instanceof Integer || id instanceof Long) {
      return ((Number) id).longValue();
    }
    throw new HeraldException(ErrorCode.BAD_REQUEST, "id must be an integer");
  }

  private void handle(FrameType type, Long id, JsonObject frame, Buffer raw) {
    if (!connected && type != FrameType.CONNECT && type != FrameType.REFRESH && type != FrameType.PING) {
      throw new HeraldException(ErrorCode.UNAUTHORIZED, "authenticate first: send connect with a token");
    }
    switch (type) {
      case CONNECT -> {
        if (requestAllowed()) {
          connect(id, frame, false);
        }
      }
      case REFRESH -> {
        if (requestAllowed()) {
          connect(id, frame, true);
        }
      }
      case SUBSCRIBE -> {
        if (requestAllowed()) {
          subscribe(id, Json.channel(frame, "channel"), Json.since(frame), subscriptionToken(frame));
        }
      }
      case UNSUBSCRIBE -> unsubscribe(id, Json.channel(frame, "channel"));
      case SUB_REFRESH -> {
        if (requestAllowed()) {
          refreshSubscription(id, Json.channel(frame, "channel"), subscriptionToken(frame));
        }
      }
      case PUBLISH -> {
        switch (session.publishRate(1)) {
          case ALLOW -> publish(id, frame, raw);
          case REJECT -> throw new HeraldException(ErrorCode.RATE_LIMITED, "over " + HeraldConfig.WS_PUBLISH_RATE.key()
              + " (" + services.config().get(HeraldConfig.WS_PUBLISH_RATE) + "/s): slow down");
          case CLOSE -> { } // closed with 1008
        }
      }
      case HISTORY -> {
        if (requestAllowed()) {
          history(id, frame);
        }
      }
      case PRESENCE -> {
        if (requestAllowed()) {
          presence(id, Json.channel(frame, "channel"));
        }
      }
      case PING -> session.send(Frames.pong(id));
    }
  }

  /**
   * ws.request_rate for what costs a lookup or a signature check (history, presence, subscribe, connect, refresh,
   * sub_refresh): false when the connection was closed for it (1008).
   */
  private boolean requestAllowed() {
    return switch (session.requestRate(1)) {
      case ALLOW -> true;
      case REJECT -> throw new HeraldException(ErrorCode.RATE_LIMITED, "over " + HeraldConfig.WS_REQUEST_RATE.key()
          + " (" + services.config().get(HeraldConfig.WS_REQUEST_RATE) + "/s): slow down");
      case CLOSE -> false;
    };
  }

  private static String subscriptionToken(JsonObject frame) {
    Object token = frame.getValue("token");
    if (token != null && !(token instanceof String)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "token must be a string");
    }
    return (String) token;
  }

  private void subscribe(Long id, String channel, StreamPosition since, String token) {
    long tokenExpiresAtMs = token == null ? 0 : permissions().checkSubscriptionToken(token, session.identity(), channel);
    permissions().checkSubscribe(session.identity(), channel, token != null, since != null);
    ProxyOptions proxy = ChannelHook.optedIn(session.loop(), HookKind.SUBSCRIBE, channel);
    if (proxy == null) {
      addSubscription(id, channel, since, token, tokenExpiresAtMs);
      return;
    }
    if (subscriptions.get(channel) != null) {
      throw new HeraldException(ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + channel);
    }
    ChannelHook.subscribe(session, channel, proxy).onComplete(ar ->
        afterHook(id, channel, ar, allowed -> addSubscription(id, channel, since, token, tokenExpiresAtMs)));
  }

  /**
   * Goes on with a request once its channel's hook allowed it; a refusal or a failed call is the request's error. A
   * null answer: the connection is closed (a disconnect answer, or gone meanwhile), nothing is done.
   */
  private void afterHook(Long id, String channel, AsyncResult<HookAnswer.Allow> answer, Consumer<HookAnswer.Allow> proceed) {
    if (answer.failed()) {
      sendError(id, errorCode(answer.cause()), answer.cause().getMessage(), channel);
      return;
    }
    if (answer.result() == null) {
      return;
    }
    try {
      proceed.accept(answer.result());
    } catch (HeraldException e) {
      sendError(id, e.code(), e.getMessage(), channel);
    }
  }

  /** Adds and opens the subscription, its permissions checked (and the subscribe hook's answer in). */
  private void addSubscription(Long id, String channel, StreamPosition since, String token, long tokenExpiresAtMs) {
    Subscription subscription = subscriptions.add(channel, this);
    if (token != null) {
      if (granted == null) {
        granted = new HashSet<>(4);
      }
      granted.add(channel);
      session.auth().subscriptionTokenExpiresAt(channel, tokenExpiresAtMs);
    }
    subscriptions.open(subscription, id, since, failure -> {
      forgetGrant(channel);
      sendError(id, errorCode(failure), "subscribe failed: " + failure.getMessage(), channel);
    });
  }

  /** {@code sub_refresh}: a fresh subscription token for a subscription opened with one extends it. */
  private void refreshSubscription(Long id, String channel, String token) {
    if (subscriptions.get(channel) == null) {
      throw new HeraldException(ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + channel);
    }
    if (token == null || !granted(channel)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, token == null ? "sub_refresh needs a token"
          : "this subscription was not opened with a subscription token");
    }
    // A refused token gets permission_denied; the subscription keeps its current token until that expires.
    long expiresAtMs = permissions().checkSubscriptionToken(token, session.identity(), channel);
    session.auth().subscriptionTokenExpiresAt(channel, expiresAtMs);
    session.send(Frames.subRefreshed(id, channel, expiresAtMs));
  }

  @Override
  public void subscriptionTokenExpired(Object channel) {
    Subscription subscription = subscriptions.get((String) channel);
    if (subscription != null) {
      drop(subscription);
      session.send(Frames.unsubscribed(null, subscription.channel(), "token expired"));
    }
  }

  private void unsubscribe(Long id, String channel) {
    Subscription subscription = subscriptions.get(channel);
    if (subscription == null) {
      throw new HeraldException(ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + channel);
    }
    drop(subscription);
    session.send(Frames.unsubscribed(id, channel, null));
  }

  @Override
  public boolean subscribeByServer(String channel, StreamPosition since) {
    if (subscriptions.get(channel) != null) {
      return false;
    }
    Subscription subscription;
    try {
      subscription = subscriptions.add(channel, this);
    } catch (HeraldException e) {
      sendError(null, e.code(), "server subscribe failed: " + e.getMessage(), channel);
      return false;
    }
    if (serverSubscribed == null) {
      serverSubscribed = new HashSet<>(4);
    }
    serverSubscribed.add(channel);
    subscriptions.open(subscription, null, since, failure -> {
      serverSubscribed.remove(channel);
      sendError(null, errorCode(failure), "subscribe failed: " + failure.getMessage(), channel);
    });
    return true;
  }

  /**
   * After {@code connected}: subscribes to {@code channels} (the token's {@code subs} claim, the connect hook's
   * {@code subs}), each from the position the client gave for it in {@code connect}'s {@code subs}
   * ({@code {"chan": {"epoch","offset"}}}; none: live). Neither permissions nor the subscribe hook are asked: the
   * backend named them.
   */
  private void subscribeServerSide(List<String> channels, JsonObject positions) {
    for (String channel : channels) {
      subscribeByServer(channel, positions == null ? null : Json.position(positions.getValue(channel), "subs." + channel));
    }
  }

  /** {@code connect}'s optional {@code subs}: where the client is in each channel of its token's subs claim. */
  private static JsonObject claimedPositions(JsonObject frame) {
    Object subs = frame.getValue("subs");
    if (subs != null && !(subs instanceof JsonObject)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "subs must be an object {channel: {epoch, offset}}");
    }
    JsonObject positions = (JsonObject) subs;
    if (positions != null) {
      positions.forEach(e -> Json.position(e.getValue(), "subs." + e.getKey()));
    }
    return positions;
  }

  @Override
  public boolean unsubscribeByServer(String channel) {
    Subscription subscription = subscriptions.get(channel);
    if (subscription == null || session.closed()) {
      return false;
    }
    drop(subscription);
    session.send(Frames.unsubscribed(null, channel, "server"));
    return true;
  }

  private void drop(Subscription subscription) {
    subscriptions.drop(subscription);
    forgetGrant(subscription.channel());
    if (serverSubscribed != null) {
      serverSubscribed.remove(subscription.channel());
    }
  }

  /** Whether the permission check of a refresh leaves {@code channel} alone: a token or the server opened it. */
  private boolean exempt(String channel) {
    return granted(channel) || serverSubscribed != null && serverSubscribed.contains(channel);
  }

  /** The subscription of {@code channel} ended: a subscription token it was opened with no longer counts. */
  private void forgetGrant(String channel) {
    if (granted != null && granted.remove(channel)) {
      session.auth().forgetSubscriptionToken(channel);
    }
  }

  private void publish(Long id, JsonObject frame, Buffer raw) {
    String channel = Json.channel(frame, "channel");
    permissions().check(Operation.PUBLISH, session.identity(), channel, granted(channel));
    Buffer data = Json.data(frame, raw, services.config().get(HeraldConfig.MAX_DATA_BYTES));
    String idempotencyKey = PublishRequest.checkKey(frame.getValue("idempotency_key"));
    ProxyOptions proxy = ChannelHook.optedIn(session.loop(), HookKind.PUBLISH, channel);
    if (proxy == null) {
      publish(id, channel, data, idempotencyKey);
      return;
    }
    // The backend's replacement data is checked like any data (message.max_data_bytes).
    ChannelHook.publish(session, channel, data, proxy).onComplete(ar ->
        afterHook(id, channel, ar, allowed -> publish(id, channel, allowed.data() == null ? data : allowed.data(), idempotencyKey)));
  }

  /** Publishes {@code data} (its permission checked, the publish hook's answer in), within ws.new_channel_rate. */
  private void publish(Long id, String channel, Buffer data, String idempotencyKey) {
    boolean charged = session.mayCreateChannel();
    services.publish(channel, data, idempotencyKey, charged).onComplete(ar -> {
      session.settleNewChannel(channel, charged, ar.succeeded() && ar.result().created(), ar.cause());
      if (ar.succeeded()) {
        session.send(Frames.published(id, channel, ar.result().first(), ar.result().duplicate(0)));
      } else {
        sendError(id, errorCode(ar.cause()), ar.cause().getMessage(), channel);
      }
    });
  }

  private void history(Long id, JsonObject frame) {
    String channel = Json.channel(frame, "channel");
    permissions().check(Operation.HISTORY, session.identity(), channel, granted(channel));
    StreamPosition since = Json.since(frame);
    NamespaceOptions options = services.config().namespaces().forChannel(channel);
    int limit = (int) Math.min(Json.nonNegative(frame, "limit", services.config().get(HeraldConfig.HISTORY_DEFAULT_LIMIT)),
        Math.max(1, options.historySize()));
    HistoryQuery query = since == null ? HistoryQuery.latest(channel, limit) : new HistoryQuery(channel, since.offset(), limit);
    services.broker().history(query).onComplete(ar -> {
      if (ar.failed()) {
        sendError(id, errorCode(ar.cause()), ar.cause().getMessage(), channel);
      } else if (since != null && !ar.result().covers(since.epoch(), since.offset())) {
        sendError(id, ErrorCode.RECOVERY_FAILED, "history no longer holds the position", channel);
      } else {
        session.send(Frames.history(id, channel, ar.result(), services.config().get(HeraldConfig.WS_MAX_REPLY_BYTES), since == null));
      }
    });
  }

  private void presence(Long id, String channel) {
    permissions().check(Operation.PRESENCE, session.identity(), channel, granted(channel));
    services.presence().clients(channel).onComplete(ar -> {
      if (ar.succeeded()) {
        session.send(Frames.presence(id, channel, permissions().presenceView(session.identity(), channel, ar.result())));
      } else {
        sendError(id, ErrorCode.INTERNAL, "presence unavailable", channel);
      }
    });
  }

  @Override
  public void started(Subscription subscription, Long requestId, StreamPosition latest, Start how) {
    String channel = subscription.channel();
    switch (how) {
      case LIVE -> session.send(Frames.subscribed(requestId, channel, latest, null));
      case RECOVERED -> session.send(Frames.subscribed(requestId, channel, latest, true));
      case RECOVERY_FAILED -> {
        sendError(requestId, ErrorCode.RECOVERY_FAILED,
            "history no longer holds the position; subscribed from the latest offset", channel);
        session.send(Frames.subscribed(requestId, channel, latest, false));
      }
    }
  }

  @Override
  public boolean deliver(Subscription subscription, Message message, long skipped) {
    return session.deliver(message.frame(skipped), subscription.batchMs());
  }

  /** With {@code ?batch=true}, a window's deliveries are one {@code messages} frame: its items are the message frames. */
  @Override
  public List<Buffer> batched(List<Buffer> deliveries) {
    return messagesFrames && deliveries.size() > 1 ? List.of(Frames.messages(deliveries)) : deliveries;
  }

  @Override
  public void lost(Subscription subscription, StreamPosition latest) {
    sendError(null, ErrorCode.RECOVERY_FAILED, "messages were lost on the server side; reload the channel's state",
        subscription.channel());
  }

  @Override
  public void push(Subscription subscription, Buffer frame) {
    session.send(permissions().seesUsers(session.identity(), subscription.channel()) ? frame : Frames.withoutUser(frame));
  }

  @Override
  public Connection connection() {
    return session;
  }

  private static ErrorCode errorCode(Throwable t) {
    return t instanceof HeraldException he ? he.code() : ErrorCode.INTERNAL;
  }

  private void sendError(Long id, ErrorCode code, String message, String channel) {
    session.send(Frames.error(id, code, message, channel));
  }

  @Override
  public void ended() {
    cancelAuthTimer();
    for (Subscription s : List.copyOf(subscriptions.all())) {
      drop(s);
    }
  }

}
