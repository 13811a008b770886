package io.herald.graphql.impl;

import graphql.GraphQLError;
import graphql.language.Argument;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import io.herald.core.ClientInfo;
import io.herald.core.CloseCode;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.Json;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.StreamPosition;
import io.herald.core.WallClock;
import io.herald.core.config.HeraldConfig;
import io.herald.core.config.NamespaceOptions.ProxyOptions;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.auth.AuthFailure;
import io.herald.gateway.auth.ChannelPermissions;
import io.herald.gateway.delivery.Subscription;
import io.herald.gateway.delivery.SubscriptionSink;
import io.herald.gateway.hooks.HookKind;
import io.herald.gateway.limits.PublishRateLimiter.Verdict;
import io.herald.gateway.session.ChannelHook;
import io.herald.gateway.session.ClientSession;
import io.herald.gateway.session.ConnectHook;
import io.herald.gateway.session.JoinLeave;
import io.herald.gateway.transport.ClientSocket;
import io.herald.gateway.transport.ClientTransport;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * graphql-transport-ws (the protocol of the {@code graphql-ws} client) on one WebSocket: a small state
 * machine, waiting for {@code connection_init}, then acknowledged. Protocol violations close the socket
 * with the protocol's codes; {@code messages} subscriptions run as {@link Subscription}s on the loop's
 * hub, exactly like /ws ones. What every WebSocket shares (queue, limits, heartbeat, auth, closing) is its
 * {@link ClientSession}. Runs on its event loop.
 */
final class TransportWsConnection implements ClientSession.Protocol {

  static final String SUBPROTOCOL = "graphql-transport-ws";

  private final ClientSession session;
  private final GatewayLoop loop;
  private final GraphQLEngine engine;
  private final GraphQLMetrics metrics;
  private final ShapeCache shapes;
  private final int maxSubscriptions;
  /** Operations by id: running subscriptions, and queries/mutations until they complete. */
  private final Map<String, Operation> operations = new HashMap<>();
  /** How many of this connection's subscriptions are on each channel (presence lists the connection once). */
  private final Map<String, Integer> channelCount = new HashMap<>();
  /** Channels whose subscribers were told this client joined (join_leave), so that they are told it left. */
  private final Set<String> joined = new HashSet<>();
  private boolean initReceived;
  private boolean acknowledged;
  private long initTimer = -1;

  private TransportWsConnection(ClientSocket socket, GatewayLoop loop, GraphQLEngine engine, GraphQLMetrics metrics,
      ShapeCache shapes) {
    this.session = new ClientSession(socket, loop, this);
    this.loop = loop;
    this.engine = engine;
    this.metrics = metrics;
    this.shapes = shapes;
    this.maxSubscriptions = loop.services().config().get(HeraldConfig.GRAPHQL_MAX_SUBSCRIPTIONS);
  }

  /** Serves {@code socket} with graphql-transport-ws, or closes it (4406) when the client asked for another subprotocol. */
  static void accept(ClientSocket socket, GatewayLoop loop, GraphQLEngine engine, GraphQLMetrics metrics, ShapeCache shapes,
      long upgradeStartNanos) {
    if (!SUBPROTOCOL.equals(socket.subProtocol())) {
      // graphql-ws's own servers answer 4406; the client asked for a protocol we do not speak.
      loop.services().metrics().closed(CloseCode.GRAPHQL_SUBPROTOCOL.code());
      socket.listen(ClientTransport.Listener.IGNORE);
      socket.close(CloseCode.GRAPHQL_SUBPROTOCOL.code(), CloseCode.GRAPHQL_SUBPROTOCOL.reason());
      return;
    }
    new TransportWsConnection(socket, loop, engine, metrics, shapes).start(upgradeStartNanos);
  }

  private void start(long upgradeStartNanos) {
    session.open();
    long timeout = loop.services().config().get(HeraldConfig.GRAPHQL_INIT_TIMEOUT_MS);
    initTimer = loop.vertx().setTimer(timeout, id -> {
      if (!initReceived) {
        session.close(CloseCode.GRAPHQL_INIT_TIMEOUT);
      }
    });
    loop.services().metrics().connectionSetup(System.nanoTime() - upgradeStartNanos);
  }

  @Override
  public void onText(String text) {
    JsonObject message;
    try {
      message = Json.object(Buffer.buffer(text));
    } catch (HeraldException e) {
      session.close(CloseCode.GRAPHQL_BAD_MESSAGE);
      return;
    }
    Object type = message.getValue("type");
    switch (type instanceof String s ? s : "") {
      case "connection_init" -> init(message.getValue("payload"));
      case "ping" -> ping(message.getValue("payload"));
      case "pong" -> { }
      case "subscribe" -> subscribe(message);
      case "complete" -> complete(message.getValue("id"));
      default -> session.close(CloseCode.GRAPHQL_BAD_MESSAGE);
    }
  }

  private void init(Object payload) {
    if (initReceived) {
      session.close(CloseCode.GRAPHQL_TOO_MANY_INITS);
      return;
    }
    initReceived = true;
    loop.vertx().cancelTimer(initTimer);
    String token = loop.auth().verifier().enabled() ? token(payload) : null;
    boolean connectHook = loop.hooks().enabled(HookKind.CONNECT);
    if (token != null) {
      if (!session.auth().authenticate(token)) {
        return;
      }
    } else if (loop.auth().required() && !connectHook) {
      session.auth().refuse(AuthFailure.Reason.TOKEN_REQUIRED.text());
      return;
    }
    if (!connectHook) {
      acknowledge();
      return;
    }
    // The connect hook gets the connection_init payload as its data; its subs are not taken (no operation to run them).
    ConnectHook.run(session, payload).onComplete(ar -> {
      if (ar.failed()) {
        session.close(CloseCode.GRAPHQL_INTERNAL);
      } else if (ar.result() != null) {
        acknowledge();
      }
    });
  }

  private void acknowledge() {
    acknowledged = true;
    session.send(new JsonObject().put("type", "connection_ack").toBuffer());
    session.connected();
  }

  /**
   * A {@code ping}; once acknowledged, a {@code token} in its payload replaces the connection's, and
   * {@code subscription_tokens} ({@code {"<operation id>": "<subscription token>"}}) extend subscriptions.
   */
  private void ping(Object payload) {
    if (acknowledged && tokensIn(payload) > 0 && session.requestRate(tokensIn(payload)) != Verdict.ALLOW) {
      // Each token is a signature check: past ws.request_rate they are not read (past the rejections, closed).
      session.send(new JsonObject().put("type", "pong").toBuffer());
      return;
    }
    String token = acknowledged && loop.auth().verifier().enabled() ? token(payload) : null;
    if (token != null) {
      if (!session.auth().authenticate(token)) {
        return;
      }
      // The new token's channels claim may differ: a subscription it does not allow ends with an error.
      session.auth().recheck(operations.values().stream().filter(o -> o.subscription != null).toList(),
          o -> o.subscription.channel(), Operation::granted, (o, e) -> {
            stop(o);
            sendErrors(o.id, List.of(GraphQLEngine.error(e.getMessage(), e.code().wire())));
          });
    }
    if (acknowledged && payload instanceof JsonObject p && p.getValue("subscription_tokens") instanceof JsonObject tokens) {
      refreshSubscriptionTokens(tokens);
    }
    session.send(new JsonObject().put("type", "pong").toBuffer());
  }

  /**
   * Fresh subscription tokens for running subscriptions opened with one; ids of other operations are
   * ignored (so at most one verification per subscription). A refused token ends its subscription with an
   * {@code error}: graphql-transport-ws has no other way to tell the client.
   */
  private void refreshSubscriptionTokens(JsonObject tokens) {
    for (String id : tokens.fieldNames()) {
      Operation o = operations.get(id);
      if (o == null || !o.granted || !(tokens.getValue(id) instanceof String t)) {
        continue;
      }
      try {
        long expiresAtMs = loop.auth().permissions().checkSubscriptionToken(t, session.identity(), o.subscription.channel());
        session.auth().subscriptionTokenExpiresAt(id, expiresAtMs);
      } catch (HeraldException e) {
        stop(o);
        sendErrors(id, List.of(GraphQLEngine.error(e.getMessage(), e.code().wire())));
      }
    }
  }

  /** How many tokens a ping's payload carries: its connection token and its subscription tokens. */
  private static int tokensIn(Object payload) {
    if (!(payload instanceof JsonObject p)) {
      return 0;
    }
    int subscriptionTokens = p.getValue("subscription_tokens") instanceof JsonObject tokens ? tokens.size() : 0;
    return (token(payload) != null ? 1 : 0) + subscriptionTokens;
  }

  /** The token of a connection_init or ping payload: {@code {"token": t}} or {@code {"Authorization": "Bearer t"}}. */
  private static String token(Object payload) {
    if (!(payload instanceof JsonObject p)) {
      return null;
    }
    if (p.getValue("token") instanceof String t && !t.isEmpty()) {
      return t;
    }
    Object header = p.containsKey("Authorization") ? p.getValue("Authorization") : p.getValue("authorization");
    if (header instanceof String h && h.startsWith("Bearer ") && h.length() > 7) {
      return h.substring(7).trim();
    }
    return null;
  }

  @Override
  public void onBinary(Buffer message) {
    session.close(CloseCode.GRAPHQL_BAD_MESSAGE, "Binary messages are not supported");
  }

  /** A refused token closes with 4403 "Forbidden", as graphql-ws's own servers do: the reason is only logged. */
  @Override
  public void refused(String reason) {
    session.close(CloseCode.GRAPHQL_FORBIDDEN);
  }

  @Override
  public String name() {
    return "graphql-ws";
  }

  /** {@code access}, with its publishes within this connection's ws.new_channel_rate (offset 1: the publish created the channel). */
  private GraphQLEngine.ChannelAccess metered(GraphQLEngine.ChannelAccess access) {
    return new GraphQLEngine.ChannelAccess() {
      @Override
      public void check(ChannelPermissions.Operation operation, String channel) {
        access.check(operation, channel);
      }

      @Override
      public List<ClientInfo> presenceView(String channel, List<ClientInfo> clients) {
        return access.presenceView(channel, clients);
      }

      @Override
      public Future<Publication> publish(GatewayServices services, String channel, Buffer data, String idempotencyKey) {
        ProxyOptions proxy = ChannelHook.optedIn(loop, HookKind.PUBLISH, channel);
        if (proxy == null) {
          return publishNow(services, channel, data, idempotencyKey);
        }
        // A disconnect answer closed the connection: the mutation's answer goes nowhere.
        return ChannelHook.publish(session, channel, data, proxy).compose(allowed -> allowed == null
            ? Future.failedFuture(new HeraldException(ErrorCode.INTERNAL, "connection closed"))
            : publishNow(services, channel, allowed.data() == null ? data : allowed.data(), idempotencyKey));
      }

      private Future<Publication> publishNow(GatewayServices services, String channel, Buffer data, String idempotencyKey) {
        boolean charged = session.mayCreateChannel();
        return services.publish(channel, data, idempotencyKey, charged)
            .andThen(ar -> session.settleNewChannel(channel, charged, ar.succeeded() && ar.result().created(), ar.cause()));
      }
    };
  }

  /** Whether a running subscription to {@code channel} was granted by a subscription token. */
  private boolean granted(String channel) {
    for (Operation o : operations.values()) {
      if (o.granted && o.subscription != null && o.subscription.channel().equals(channel)) {
        return true;
      }
    }
    return false;
  }

  private void subscribe(JsonObject message) {
    if (!acknowledged) {
      session.close(CloseCode.GRAPHQL_UNAUTHORIZED);
      return;
    }
    Object rawId = message.getValue("id");
    Object rawPayload = message.getValue("payload");
    if (!(rawId instanceof String id) || id.isEmpty() || !(rawPayload instanceof JsonObject payload)
        || !(payload.getValue("query") instanceof String query)
        || !(payload.getValue("variables") == null || payload.getValue("variables") instanceof JsonObject)
        || !(payload.getValue("operationName") == null || payload.getValue("operationName") instanceof String)) {
      session.close(CloseCode.GRAPHQL_BAD_MESSAGE);
      return;
    }
    if (operations.containsKey(id)) {
      session.close(CloseCode.GRAPHQL_SUBSCRIBER_EXISTS, "Subscriber for " + id + " already exists");
      return;
    }
    long start = System.nanoTime();
    JsonObject variables = payload.getJsonObject("variables");
    GraphQLEngine.Prepared prepared = engine.prepare(query, payload.getString("operationName"),
        variables == null ? Map.of() : variables.getMap(),
        metered(GraphQLEngine.ChannelAccess.of(loop.auth().permissions(), session.identity(), this::granted)));
    String type = prepared.operation() == null ? "unknown" : prepared.type().name().toLowerCase(java.util.Locale.ROOT);
    if (prepared.failed()) {
      metrics.operation(type, "error");
      sendErrors(id, prepared.errors());
      return;
    }
    metrics.measured(prepared.measures());
    if (prepared.type() == OperationDefinition.Operation.MUTATION
        ? !publishAllowed(id, prepared)
        : !requestAllowed(id, type)) {
      return;
    }
    if (prepared.type() == OperationDefinition.Operation.SUBSCRIPTION) {
      startSubscription(id, prepared, start);
    } else {
      execute(id, prepared, type);
    }
  }

  /**
   * ws.publish_rate, as on /ws: a mutation takes a token per publish it selects, fragments and aliases expanded.
   * Without them it gets an {@code error} message with code {@code rate_limited}; past ws.publish_max_rejections
   * the socket is closed with 1008.
   */
  private boolean publishAllowed(String id, GraphQLEngine.Prepared prepared) {
    switch (session.publishRate(Math.max(1, prepared.measures().publishes()))) {
      case ALLOW -> {
        return true;
      }
      case REJECT -> {
        metrics.operation("mutation", "error");
        sendErrors(id, List.of(GraphQLEngine.error("over " + HeraldConfig.WS_PUBLISH_RATE.key() + ": slow down",
            ErrorCode.RATE_LIMITED.wire())));
        return false;
      }
      default -> {
        return false; // closed with 1008
      }
    }
  }

  /**
   * ws.request_rate, as on /ws for history, presence and subscribe: a query or subscription takes a token.
   * Without one it gets an {@code error} message with code {@code rate_limited}; past ws.publish_max_rejections
   * refusals the socket is closed with 1008.
   */
  private boolean requestAllowed(String id, String type) {
    switch (session.requestRate(1)) {
      case ALLOW -> {
        return true;
      }
      case REJECT -> {
        metrics.operation(type, "error");
        sendErrors(id, List.of(GraphQLEngine.error("over " + HeraldConfig.WS_REQUEST_RATE.key() + ": slow down",
            ErrorCode.RATE_LIMITED.wire())));
        return false;
      }
      default -> {
        return false; // closed with 1008
      }
    }
  }

  /** A query or mutation sent over the socket: one {@code next}, then {@code complete}. */
  private void execute(String id, GraphQLEngine.Prepared prepared, String type) {
    Operation operation = new Operation(id, null, false);
    operations.put(id, operation);
    engine.execute(prepared).whenComplete((result, failure) -> session.runOnLoop(() -> {
      if (operations.get(id) != operation) {
        return; // completed by the client meanwhile
      }
      operations.remove(id);
      if (failure != null) {
        metrics.operation(type, "error");
        sendErrors(id, List.of(GraphQLEngine.error("internal error", ErrorCode.INTERNAL.wire())));
        return;
      }
      metrics.operation(type, result.getErrors().isEmpty() ? "ok" : "error");
      sendNext(id, new JsonObject(result.toSpecification()).toBuffer());
      session.send(new JsonObject().put("id", id).put("type", "complete").toBuffer());
    }));
  }

  private void startSubscription(String id, GraphQLEngine.Prepared prepared, long start) {
    if (subscriptionCount() >= maxSubscriptions) {
      metrics.operation("subscription", "error");
      sendErrors(id, List.of(GraphQLEngine.error("a connection may run " + maxSubscriptions + " subscriptions ("
          + HeraldConfig.GRAPHQL_MAX_SUBSCRIPTIONS.key() + ")", GraphQLEngine.LIMIT_EXCEEDED)));
      return;
    }
    Map<String, Object> variables = prepared.variables();
    Map<String, FragmentDefinition> fragments = new HashMap<>();
    prepared.document().getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.put(f.getName(), f));
    Field root = rootField(prepared.operation().getSelectionSet(), fragments, variables);
    String channel;
    StreamPosition since;
    boolean granted;
    long tokenExpiresAtMs = 0;
    try {
      if (root == null) {
        throw new HeraldException(ErrorCode.BAD_REQUEST, "the subscription selects no field");
      }
      channel = Json.validChannel(stringArgument(root, "channel", variables));
      since = since(root, variables);
      Object token = argument(root, "token", variables);
      granted = token instanceof String;
      if (granted) {
        tokenExpiresAtMs = loop.auth().permissions().checkSubscriptionToken((String) token, session.identity(), channel);
      }
      loop.auth().permissions().checkSubscribe(session.identity(), channel, granted, since != null);
    } catch (HeraldException e) {
      metrics.operation("subscription", "error");
      sendErrors(id, List.of(GraphQLEngine.error(e.getMessage(), e.code().wire())));
      return;
    }
    ProxyOptions proxy = ChannelHook.optedIn(loop, HookKind.SUBSCRIBE, channel);
    if (proxy == null) {
      openSubscription(id, prepared, root, fragments, channel, since, granted, tokenExpiresAtMs, start);
      return;
    }
    // The id is taken while the hook is asked: a complete cancels the subscribe, a second subscribe with it is 4409.
    Operation asking = new Operation(id, null, false);
    operations.put(id, asking);
    boolean tokenGranted = granted;
    long tokenExpiry = tokenExpiresAtMs;
    ChannelHook.subscribe(session, channel, proxy).onComplete(ar -> {
      if (operations.get(id) != asking) {
        return; // completed, or the connection closed, meanwhile
      }
      operations.remove(id);
      if (ar.failed()) {
        metrics.operation("subscription", "error");
        ErrorCode code = ar.cause() instanceof HeraldException he ? he.code() : ErrorCode.INTERNAL;
        sendErrors(id, List.of(GraphQLEngine.error(ar.cause().getMessage(), code.wire())));
      } else if (ar.result() != null) {
        openSubscription(id, prepared, root, fragments, channel, since, tokenGranted, tokenExpiry, start);
      }
    });
  }

  /** Runs a subscription whose checks passed (and the subscribe hook's answer, when it has one). */
  private void openSubscription(String id, GraphQLEngine.Prepared prepared, Field root, Map<String, FragmentDefinition> fragments,
      String channel, StreamPosition since, boolean granted, long tokenExpiresAtMs, long start) {
    Map<String, Object> variables = prepared.variables();
    MessageShape shape = shapes.intern(MessageShape.of(root, fragments, variables));
    Sink sink = new Sink(id, shape);
    Subscription subscription = new Subscription(channel, sink, loop.services().broker(),
        loop.services().config().namespaces().forChannel(channel));
    Operation operation = new Operation(id, subscription, granted);
    operations.put(id, operation);
    if (granted) {
      session.auth().subscriptionTokenExpiresAt(id, tokenExpiresAtMs);
    }
    metrics.subscriptions(1);
    loop.services().metrics().subscriptions(1);
    channelCount.merge(channel, 1, Integer::sum);
    // ws.new_channel_rate, as on /ws: only a channel without subscribers on this loop may be new to the store.
    boolean local = loop.hub().has(channel);
    boolean charged = !local && session.mayCreateChannel();
    loop.services().presence().add(channel, session.info())
        .compose(v -> subscription.open(loop.hub(), since, local || charged))
        .onComplete(ar -> {
          if (operations.get(id) != operation) {
            return; // completed or closed meanwhile
          }
          // A channel with messages was not created by this subscribe (nor one that failed).
          session.settleNewChannel(channel, charged, ar.succeeded() && ar.result().latest() == 0, ar.cause());
          if (ar.succeeded()) {
            metrics.operation("subscription", "ok");
            subscription.start(null, since, ar.result());
            metrics.subscriptionSetup(System.nanoTime() - start);
            if (joined.add(channel)) {
              JoinLeave.announce(loop.services(), "join", channel, session.info());
            }
          } else {
            stop(operation);
            metrics.operation("subscription", "error");
            ErrorCode code = ar.cause() instanceof HeraldException he ? he.code() : ErrorCode.INTERNAL;
            sendErrors(id, List.of(GraphQLEngine.error("subscribe failed: " + ar.cause().getMessage(), code.wire())));
          }
        });
  }

  /** The subscription's one root field, which may sit in a fragment. */
  private static Field rootField(SelectionSet set, Map<String, FragmentDefinition> fragments, Map<String, Object> variables) {
    for (Selection<?> s : set.getSelections()) {
      Field found = null;
      if (s instanceof Field f && OperationLimits.included(f.getDirectives(), variables)) {
        found = f;
      } else if (s instanceof InlineFragment inline && OperationLimits.included(inline.getDirectives(), variables)) {
        found = rootField(inline.getSelectionSet(), fragments, variables);
      } else if (s instanceof FragmentSpread spread && OperationLimits.included(spread.getDirectives(), variables)
          && fragments.containsKey(spread.getName())) {
        found = rootField(fragments.get(spread.getName()).getSelectionSet(), fragments, variables);
      }
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private int subscriptionCount() {
    return (int) operations.values().stream().filter(o -> o.subscription != null).count();
  }

  private static StreamPosition since(Field root, Map<String, Object> variables) {
    Object offset = argument(root, "sinceOffset", variables);
    Object epoch = argument(root, "epoch", variables);
    if (offset == null && epoch == null) {
      return null;
    }
    if (!(offset instanceof Number n) || n.longValue() < 0 || !(epoch instanceof String e)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "sinceOffset (a non-negative Long) and epoch go together");
    }
    return new StreamPosition(e, n.longValue());
  }

  private static String stringArgument(Field root, String name, Map<String, Object> variables) {
    Object value = argument(root, name, variables);
    if (!(value instanceof String s)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, name + " must be a string");
    }
    return s;
  }

  /** An argument's value from its literal or its variable (validation has checked the types). */
  private static Object argument(Field field, String name, Map<String, Object> variables) {
    for (Argument a : field.getArguments()) {
      if (a.getName().equals(name)) {
        Value<?> v = a.getValue();
        if (v instanceof VariableReference ref) {
          return variables.get(ref.getName());
        } else if (v instanceof StringValue s) {
          return s.getValue();
        } else if (v instanceof IntValue i) {
          return i.getValue().longValue();
        }
        return null;
      }
    }
    return null;
  }

  private void complete(Object id) {
    Operation operation = id instanceof String s ? operations.get(s) : null;
    if (operation != null) {
      stop(operation);
    }
  }

  @Override
  public boolean unsubscribeByServer(String channel) {
    boolean any = false;
    for (Operation o : List.copyOf(operations.values())) {
      if (o.subscription != null && o.subscription.channel().equals(channel)) {
        stop(o);
        session.send(new JsonObject().put("id", o.id).put("type", "complete").toBuffer());
        any = true;
      }
    }
    return any;
  }

  /** A subscription's subscription token expired: the operation ends with an {@code error}. */
  @Override
  public void subscriptionTokenExpired(Object id) {
    Operation o = operations.get(id);
    if (o != null && o.subscription != null) {
      stop(o);
      sendErrors(o.id, List.of(GraphQLEngine.error("subscription token expired", ErrorCode.PERMISSION_DENIED.wire())));
    }
  }

  private void stop(Operation operation) {
    operations.remove(operation.id);
    if (operation.granted) {
      session.auth().forgetSubscriptionToken(operation.id);
    }
    Subscription s = operation.subscription;
    if (s == null) {
      return;
    }
    s.end();
    loop.hub().leave(s);
    metrics.subscriptions(-1);
    loop.services().metrics().subscriptions(-1);
    if (channelCount.merge(s.channel(), -1, Integer::sum) == 0) {
      channelCount.remove(s.channel());
      loop.services().presence().remove(s.channel(), session.id());
      if (joined.remove(s.channel())) {
        JoinLeave.announce(loop.services(), "leave", s.channel(), session.info());
      }
    }
  }

  @Override
  public void ended() {
    loop.vertx().cancelTimer(initTimer);
    for (Operation o : List.copyOf(operations.values())) {
      stop(o);
    }
  }

  private void sendNext(String id, Buffer payload) {
    session.send(nextPrefix(id).appendBuffer(payload).appendByte((byte) '}'));
  }

  private static Buffer nextPrefix(String id) {
    return Buffer.buffer().appendString("{\"id\":").appendString(io.vertx.core.json.Json.encode(id))
        .appendString(",\"type\":\"next\",\"payload\":");
  }

  private void sendErrors(String id, List<GraphQLError> errors) {
    JsonArray payload = new JsonArray();
    errors.forEach(e -> payload.add(new JsonObject(e.toSpecification())));
    session.send(new JsonObject().put("id", id).put("type", "error").put("payload", payload).toBuffer());
  }

  private static Buffer errorsPayload(ErrorCode code, String message, StreamPosition latest) {
    return new JsonObject().put("errors", new JsonArray().add(new JsonObject().put("message", message)
        .put("extensions", new JsonObject().put("code", code.wire()).put("epoch", latest.epoch())
            .put("offset", latest.offset())))).toBuffer();
  }

  /** A running operation; {@code subscription} is null for a query or mutation. */
  private record Operation(String id, Subscription subscription, boolean granted) {
  }

  /** Writes one subscription's messages as {@code next} frames; the payload is shared per shape. */
  private final class Sink implements SubscriptionSink {
    private final Buffer prefix;
    private final MessageShape shape;

    Sink(String id, MessageShape shape) {
      this.prefix = nextPrefix(id);
      this.shape = shape;
    }

    @Override
    public void started(Subscription subscription, Long requestId, StreamPosition latest, Start how) {
      if (how == Start.RECOVERY_FAILED) {
        sendNext(prefix, errorsPayload(ErrorCode.RECOVERY_FAILED,
            "history no longer holds the position; continuing from the latest offset", latest));
      }
    }

    @Override
    public boolean deliver(Subscription subscription, Message message, long skipped) {
      if (!shape.encoded(message)) {
        metrics.delivered(WallClock.micros() - message.tsMicros());
      }
      return session.deliver(next(prefix, shape.payload(message, skipped)), subscription.batchMs());
    }

    @Override
    public void lost(Subscription subscription, StreamPosition latest) {
      sendNext(prefix, errorsPayload(ErrorCode.RECOVERY_FAILED,
          "messages were lost on the server side; reload the channel's state", latest));
    }

    @Override
    public void push(Subscription subscription, Buffer frame) {
      // join/leave pushes have no GraphQL form
    }

    @Override
    public Connection connection() {
      return session;
    }

    private boolean sendNext(Buffer prefix, Buffer payload) {
      return session.send(next(prefix, payload));
    }

    private static Buffer next(Buffer prefix, Buffer payload) {
      return Buffer.buffer(prefix.length() + payload.length() + 1).appendBuffer(prefix).appendBuffer(payload)
          .appendByte((byte) '}');
    }
  }
}
