package io.herald.gateway.sse;

import io.herald.core.CloseCode;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.herald.core.config.HeraldConfig;
import io.herald.core.config.NamespaceOptions.ProxyOptions;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.auth.AuthFailure;
import io.herald.gateway.auth.NodeAuth;
import io.herald.gateway.delivery.Subscription;
import io.herald.gateway.delivery.SubscriptionSink;
import io.herald.gateway.hooks.HookAnswer;
import io.herald.gateway.hooks.HookKind;
import io.herald.gateway.session.ChannelHook;
import io.herald.gateway.session.ChannelSubscriptions;
import io.herald.gateway.session.ClientSession;
import io.herald.gateway.session.ConnectHook;
import io.herald.gateway.transport.SseStream;
import io.herald.gateway.wire.Frames;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server-sent events protocol on one stream ({@code GET /sse}): its channels are fixed by the request, each
 * subscribed at once (recovering from the {@code Last-Event-ID} cursor or {@code since}), and everything the client
 * gets is an event: {@code connected}, {@code subscribed}, {@code message} (data: the /ws frame), {@code error},
 * {@code unsubscribed}, {@code join}/{@code leave}, and {@code close} before the stream ends. Every {@code message}
 * and {@code subscribed} event carries the stream's {@link SseCursor} as its {@code id}. What every connection shares
 * (the bounded queue, lifetime, auth, closing) is its {@link ClientSession}. Runs on the stream's event loop.
 */
final class SseConnection implements ClientSession.Protocol, SubscriptionSink {

  private static final String JOIN = "{\"type\":\"join\"";
  /** The WebSocket code for a server error: a stream refused with it is answered 500 {@code internal}. */
  private static final short INTERNAL_ERROR = 1011;

  private final ClientSession session;
  private final SseStream stream;
  private final GatewayServices services;
  private final SseEvents events;
  private final List<String> channels;
  /** Each channel's place in the cursor: looked up per delivery, so not a scan of up to 64 names. */
  private final Map<String, Integer> positions = new HashMap<>();
  /** Where each channel's delivery starts: its recovery position, or null for live (and the cache option). */
  private final List<StreamPosition> starts;
  private final SseCursor cursor;
  private final ChannelSubscriptions subscriptions;

  SseConnection(SseStream stream, GatewayLoop loop, SseEvents events, List<String> channels, List<StreamPosition> starts) {
    this.session = new ClientSession(stream, loop, this);
    this.stream = stream;
    this.services = loop.services();
    this.events = events;
    this.channels = channels;
    for (int i = 0; i < channels.size(); i++) {
      positions.put(channels.get(i), i);
    }
    this.starts = starts;
    this.cursor = new SseCursor(channels.size());
    for (int i = 0; i < starts.size(); i++) {
      StreamPosition p = starts.get(i);
      if (p != null) {
        cursor.set(i, p.epoch(), p.offset());
      }
    }
    this.subscriptions = new ChannelSubscriptions(session);
  }

  /**
   * Authenticates with {@code token} (or refuses: answered as an HTTP error, the stream never opens), checks the
   * permission to subscribe to every channel, then opens the stream and subscribes.
   */
  void start(String token, long requestStartNanos) {
    NodeAuth auth = session.loop().auth();
    boolean connectHook = session.loop().hooks().enabled(HookKind.CONNECT);
    if (token != null && auth.verifier().enabled()) {
      if (!session.auth().authenticate(token)) {
        return; // answered 401 (or 429 over auth.max_connections_per_user)
      }
    } else if (auth.required() && !connectHook) {
      session.auth().refuse(AuthFailure.Reason.TOKEN_REQUIRED.text());
      return;
    }
    if (!connectHook) {
      open(requestStartNanos);
      return;
    }
    // The stream opens once the connect hook admits it (its subs are not taken: a stream's channels are its request's).
    ConnectHook.run(session, null).onComplete(ar -> {
      if (ar.failed()) {
        session.close(INTERNAL_ERROR, ar.cause().getMessage()); // answered 500 internal
      } else if (ar.result() != null) {
        open(requestStartNanos);
      }
    });
  }

  /**
   * Checks the permission to subscribe to every channel and asks the subscribe hook about those of namespaces that opted
   * in (all of them together), then opens the stream and subscribes.
   */
  private void open(long requestStartNanos) {
    NodeAuth auth = session.loop().auth();
    List<Future<HookAnswer.Allow>> asked = new ArrayList<>(0);
    try {
      for (int i = 0; i < channels.size(); i++) {
        auth.permissions().checkSubscribe(session.identity(), channels.get(i), false, starts.get(i) != null);
      }
    } catch (HeraldException e) {
      session.close(e.code() == ErrorCode.UNAUTHORIZED ? CloseCode.UNAUTHORIZED : CloseCode.POLICY, e.getMessage());
      return;
    }
    for (String channel : channels) {
      ProxyOptions proxy = ChannelHook.optedIn(session.loop(), HookKind.SUBSCRIBE, channel);
      if (proxy != null) {
        asked.add(ChannelHook.subscribe(session, channel, proxy));
      }
    }
    if (asked.isEmpty()) {
      stream(requestStartNanos);
      return;
    }
    Future.all(asked).onComplete(ar -> {
      if (session.gone()) {
        session.close(CloseCode.NORMAL); // the client left, or a disconnect answer closed it: nothing opens
      } else if (ar.failed()) {
        // A refusal is answered 403 with the backend's message, a failed call 500 internal.
        boolean failed = ar.cause() instanceof HeraldException he && he.code() == ErrorCode.INTERNAL;
        session.close(failed ? INTERNAL_ERROR : CloseCode.POLICY.code(), ar.cause().getMessage());
      } else {
        stream(requestStartNanos);
      }
    });
  }

  /** Opens the stream: {@code connected}, then each channel subscribed. */
  private void stream(long requestStartNanos) {
    session.open();
    stream.start();
    services.metrics().connectionSetup(System.nanoTime() - requestStartNanos);
    session.send(SseEvents.event("connected", null, Frames.connected(null, session.id(), services.nodeId(),
        services.config().get(HeraldConfig.WS_PING_INTERVAL_MS), session.user())));
    session.connected();
    for (int i = 0; i < channels.size(); i++) {
      String channel = channels.get(i);
      Subscription subscription = subscriptions.add(channel, this);
      subscriptions.open(subscription, null, starts.get(i), failure -> sendError(
          failure instanceof HeraldException he ? he.code() : ErrorCode.INTERNAL, "subscribe failed: " + failure.getMessage(), channel));
    }
  }

  @Override
  public String name() {
    return "sse";
  }

  @Override
  public void onText(String message) {
    // An event stream reads nothing from its client.
  }

  @Override
  public void onBinary(Buffer message) {
  }

  @Override
  public boolean unsubscribeByServer(String channel) {
    Subscription subscription = subscriptions.get(channel);
    if (subscription == null || session.closed()) {
      return false;
    }
    subscriptions.drop(subscription);
    session.send(SseEvents.event("unsubscribed", null, Frames.unsubscribed(null, channel, "server")));
    return true;
  }

  @Override
  public void subscriptionTokenExpired(Object key) {
    // An event stream's subscriptions carry no subscription tokens.
  }

  /** A refused token: before the stream opened, a 401; after (a token that expired), the stream's close. */
  @Override
  public void refused(String reason) {
    session.close(CloseCode.UNAUTHORIZED, reason);
  }

  @Override
  public void ended() {
    for (Subscription s : List.copyOf(subscriptions.all())) {
      subscriptions.drop(s);
    }
  }

  @Override
  public void started(Subscription subscription, Long requestId, StreamPosition latest, Start how) {
    int i = positions.get(subscription.channel());
    switch (how) {
      case LIVE -> cursor.set(i, latest.epoch(), latest.offset());
      case RECOVERED -> { } // the cursor holds the recovery position; the replay moves it on
      case RECOVERY_FAILED -> {
        cursor.set(i, latest.epoch(), latest.offset());
        sendError(ErrorCode.RECOVERY_FAILED, "history no longer holds the position; subscribed from the latest offset",
            subscription.channel());
      }
    }
    session.send(SseEvents.event("subscribed", cursor.toString(), Frames.subscribed(null, subscription.channel(), latest,
        how == Start.LIVE ? null : how == Start.RECOVERED)));
  }

  @Override
  public boolean deliver(Subscription subscription, Message message, long skipped) {
    if (channels.size() == 1 && skipped == 0) {
      cursor.set(0, message.epoch(), message.offset());
      return session.deliver(events.single(message), subscription.batchMs());
    }
    cursor.set(positions.get(message.channel()), message.epoch(), message.offset());
    return session.deliver(SseEvents.event("message", cursor.toString(), message.frame(skipped)), subscription.batchMs());
  }

  /** A batching window's events go out as one write: one chunk of the response. */
  @Override
  public List<Buffer> batched(List<Buffer> deliveries) {
    if (deliveries.size() == 1) {
      return deliveries;
    }
    int size = 0;
    for (Buffer d : deliveries) {
      size += d.length();
    }
    Buffer joined = Buffer.buffer(size);
    deliveries.forEach(joined::appendBuffer);
    return List.of(joined);
  }

  @Override
  public void lost(Subscription subscription, StreamPosition latest) {
    cursor.set(positions.get(subscription.channel()), latest.epoch(), latest.offset());
    sendError(ErrorCode.RECOVERY_FAILED, "messages were lost on the server side; reload the channel's state",
        subscription.channel());
  }

  /** A join or leave: its event is named by the frame's type; users hidden as on /ws. */
  @Override
  public void push(Subscription subscription, Buffer frame) {
    Buffer seen = session.loop().auth().permissions().seesUsers(session.identity(), subscription.channel())
        ? frame : Frames.withoutUser(frame);
    String type = seen.getString(0, Math.min(seen.length(), 16), "UTF-8").startsWith(JOIN) ? "join" : "leave";
    session.send(SseEvents.event(type, null, seen));
  }

  @Override
  public Connection connection() {
    return session;
  }

  /** {@code event: error} with the /ws error frame, carrying the cursor so a reconnect starts after it. */
  private void sendError(ErrorCode code, String message, String channel) {
    session.send(SseEvents.event("error", cursor.toString(), Frames.error(null, code, message, channel)));
  }
}
