package io.herald.node.auth;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.SseClient;
import io.herald.gateway.testing.Tokens;
import io.herald.node.auth.AuthWsClient.Close;
import io.herald.node.auth.ProxyBackend.Reply;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The proxy hooks against a real node and a real HTTP backend ({@link ProxyBackend}): connect (allow, refuse,
 * disconnect, subs, expiry and refresh, on /ws, SSE and GraphQL), subscribe and publish (allow, refuse, replaced data,
 * namespace opt-in, fail open), and the failures: timeout, backend down, malformed answers, the circuit breaker,
 * max_concurrency, a client gone mid-hook; and their metrics.
 */
class ProxyHooksTest {

  @RegisterExtension
  final NodeExtension node = NodeExtension.startedByEachTest().namespaces(new JsonObject()
      .put("hooked", new JsonObject().put("proxy_subscribe", true).put("proxy_publish", true))
      .put("lenient", new JsonObject().put("proxy_subscribe", true).put("proxy_publish", true).put("proxy_fail_open", true)));

  private ProxyBackend backend;

  @BeforeEach
  void backend() {
    backend = ProxyBackend.start(node.vertx());
  }

  @AfterEach
  void closeBackend() {
    backend.close();
  }

  private void start(String... keysAndValues) {
    Map<String, String> settings = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      settings.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    node.start(settings);
  }

  private void startWithConnectHook(String... more) {
    String[] all = new String[more.length + 2];
    all[0] = "proxy.connect_url";
    all[1] = backend.url("/connect");
    System.arraycopy(more, 0, all, 2, more.length);
    start(all);
  }

  private AuthWsClient ws() {
    return AuthWsClient.ws(node.vertx(), node.port(), null);
  }

  private static JsonObject connect(int id, Object data) {
    return AuthWsClient.frame("connect", id).put("data", data);
  }

  private static JsonObject subscribe(int id, String channel) {
    return AuthWsClient.frame("subscribe", id).put("channel", channel);
  }

  private static JsonObject publish(int id, String channel, Object data) {
    return AuthWsClient.frame("publish", id).put("channel", channel).put("data", data);
  }

  private JsonObject nodeInfo() {
    return node.http().get("/api/info").json().getJsonArray("nodes").getJsonObject(0);
  }

  private String metrics() {
    return node.http().get("/metrics").body().toString();
  }

  private double counted(String hook, String outcome) {
    Matcher m = Pattern.compile("herald_proxy_calls_total\\{hook=\"" + hook + "\",outcome=\"" + outcome + "\",?\\} (\\S+)")
        .matcher(metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void connectAllowedNamesTheUserWithTheFrameDataAndAllowListedHeaders() {
    startWithConnectHook();
    backend.on("/connect", "{\"result\":{\"user\":\"alice\",\"info\":{\"name\":\"Alice\"}}}");
    try (AuthWsClient client = ws()) {
      assertThat(client.pending()).as("no connected before the hook allowed").isZero();
      JsonObject connected = client.request(connect(1, new JsonObject().put("room", 7)));
      assertThat(connected.getString("type")).isEqualTo("connected");
      assertThat(connected.getString("user")).isEqualTo("alice");
      ProxyBackend.Call call = backend.nextCall();
      assertThat(call.path()).isEqualTo("/connect");
      assertThat(call.body().getString("client")).isEqualTo(connected.getString("client"));
      assertThat(call.body().getString("transport")).isEqualTo("ws");
      assertThat(call.body().getJsonObject("data")).isEqualTo(new JsonObject().put("room", 7));
      assertThat(call.body().getJsonObject("headers").fieldNames()).doesNotContain("Host", "Sec-WebSocket-Key");
    }
    assertThat(counted("connect", "allowed")).isEqualTo(1.0);
    assertThat(metrics()).contains("herald_proxy_call_duration_seconds_count{hook=\"connect\"").contains("herald_proxy_in_flight");
  }

  @Test
  void withJwtTheTokenIsVerifiedFirstAndTheHookSeesItsUser() {
    String secret = "proxy-hooks-secret-0123456789abcdef";
    startWithConnectHook("auth.hmac_secret", secret);
    backend.on("/connect", "{\"result\":{\"info\":{\"plan\":\"pro\"}}}");
    Tokens tokens = Tokens.hs256(node.vertx(), secret);
    try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), tokens.user("grace"))) {
      assertThat(client.next("connected").getString("user")).isEqualTo("grace");
      assertThat(backend.nextCall().body().getString("user")).isEqualTo("grace");
    }
    assertThat(AuthWsClient.refusedOnUpgrade(node.port(), "not-a-token").code()).isEqualTo((short) 4001);
    assertThat(backend.pendingCalls()).as("a refused token never reaches the hook").isZero();
  }

  @Test
  void framesBeforeTheHookAllowedAreRefused() {
    startWithConnectHook();
    try (AuthWsClient client = ws()) {
      assertThat(client.request(subscribe(1, "plain")).getString("code")).isEqualTo("unauthorized");
    }
  }

  @Test
  void connectRefusedClosesAsARefusedToken() {
    startWithConnectHook();
    backend.on("/connect", "{\"error\":{\"code\":\"unauthorized\",\"message\":\"session expired\"}}");
    try (AuthWsClient client = ws()) {
      client.send(connect(1, null));
      assertThat(client.awaitClose()).isEqualTo(new Close((short) 4001, "session expired"));
    }
    assertThat(counted("connect", "refused")).isEqualTo(1.0);
  }

  @Test
  void connectDisconnectClosesWithTheBackendsCode() {
    startWithConnectHook();
    backend.on("/connect", "{\"disconnect\":{\"code\":4567,\"reason\":\"banned\"}}");
    try (AuthWsClient client = ws()) {
      client.send(connect(1, null));
      assertThat(client.awaitClose()).isEqualTo(new Close((short) 4567, "banned"));
    }
  }

  @Test
  void connectSubsAreSubscribedByTheServer() {
    startWithConnectHook();
    backend.on("/connect", "{\"result\":{\"user\":\"bob\",\"subs\":[\"news\",\"alerts\"]}}");
    try (AuthWsClient client = ws()) {
      client.request(connect(1, null));
      JsonObject first = client.next("subscribed");
      JsonObject second = client.next("subscribed");
      assertThat(first.containsKey("id")).isFalse();
      assertThat(java.util.List.of(first.getString("channel"), second.getString("channel"))).containsExactlyInAnyOrder("news", "alerts");
      node.http().publish("news", "hello");
      assertThat(client.next("message").getString("data")).isEqualTo("hello");
    }
  }

  @Test
  void anExpiredAdmissionIsRefreshedThenClosedWhenTheRefreshRefuses() {
    start("proxy.connect_url", backend.url("/connect"), "proxy.refresh_url", backend.url("/refresh"));
    long now = System.currentTimeMillis() / 1000;
    // Unix seconds: 2 s ahead is at least 1 s ahead, wherever in its second the clock is.
    backend.on("/connect", "{\"result\":{\"user\":\"carol\",\"expire_at\":" + (now + 2) + "}}");
    int[] refreshes = {0};
    backend.on("/refresh", b -> refreshes[0]++ == 0
        ? Reply.json("{\"result\":{\"expire_at\":" + (System.currentTimeMillis() / 1000 + 2) + "}}")
        : Reply.json("{\"error\":{\"code\":\"unauthorized\",\"message\":\"logged out\"}}"));
    try (AuthWsClient client = ws()) {
      client.request(connect(1, null));
      assertThat(backend.nextCall().path()).isEqualTo("/connect");
      ProxyBackend.Call refresh = backend.nextCall();
      assertThat(refresh.path()).isEqualTo("/refresh");
      assertThat(refresh.body().getString("user")).isEqualTo("carol");
      assertThat(client.isClosed()).as("the first refresh extended the connection").isFalse();
      assertThat(backend.nextCall().path()).isEqualTo("/refresh");
      assertThat(client.awaitClose()).isEqualTo(new Close((short) 1008, "token expired"));
    }
  }

  @Test
  void subscribeHookRunsOnlyForOptedInNamespacesAndPassesKnownCodes() {
    start("proxy.subscribe_url", backend.url("/subscribe"));
    backend.on("/subscribe", b -> switch (b.getString("channel")) {
      case "hooked:ok" -> Reply.json("{\"result\":{}}");
      case "hooked:slow-down" -> Reply.json("{\"error\":{\"code\":\"rate_limited\",\"message\":\"later\"}}");
      default -> Reply.json("{\"error\":{\"code\":\"no_such_code\",\"message\":\"not yours\"}}");
    });
    try (AuthWsClient client = ws()) {
      client.next("connected");
      assertThat(client.request(subscribe(1, "plain")).getString("type")).isEqualTo("subscribed");
      assertThat(client.request(subscribe(2, "hooked:ok")).getString("type")).isEqualTo("subscribed");
      ProxyBackend.Call call = backend.nextCall();
      assertThat(call.body().getString("channel")).as("plain never called the hook").isEqualTo("hooked:ok");
      assertThat(call.body().getValue("user")).isNull();
      JsonObject limited = client.request(subscribe(3, "hooked:slow-down"));
      assertThat(limited.getString("code")).isEqualTo("rate_limited");
      assertThat(limited.getString("message")).isEqualTo("later");
      JsonObject denied = client.request(subscribe(4, "hooked:other"));
      assertThat(denied.getString("code")).isEqualTo("permission_denied");
      assertThat(denied.getString("channel")).isEqualTo("hooked:other");
      assertThat(node.http().get("/api/channels/hooked:other/presence").json().getJsonArray("clients")).isEmpty();
    }
  }

  @Test
  void publishHookMayReplaceTheDataOrRefuse() {
    start("proxy.publish_url", backend.url("/publish"));
    backend.on("/publish", b -> "kick".equals(b.getValue("data"))
        ? Reply.json("{\"disconnect\":{\"code\":4600,\"reason\":\"kicked\"}}")
        : b.getValue("data") instanceof String s && s.startsWith("bad")
        ? Reply.json("{\"error\":{\"code\":\"permission_denied\",\"message\":\"no swearing\"}}")
        : Reply.json("{\"result\":{\"data\":{\"clean\":" + b.getValue("data") + "}}}"));
    try (AuthWsClient client = ws()) {
      client.next("connected");
      client.request(subscribe(1, "hooked:room"));
      client.send(publish(2, "hooked:room", 42));
      // The subscriber's own message and the published reply may come in either order.
      JsonObject one = client.next();
      JsonObject other = client.next();
      JsonObject message = "message".equals(one.getString("type")) ? one : other;
      assertThat(java.util.List.of(one.getString("type"), other.getString("type"))).containsExactlyInAnyOrder("message", "published");
      assertThat(message.getJsonObject("data")).isEqualTo(new JsonObject().put("clean", 42));
      JsonObject refused = client.request(publish(3, "hooked:room", "bad word"));
      assertThat(refused.getString("code")).isEqualTo("permission_denied");
      assertThat(refused.getString("message")).isEqualTo("no swearing");
      ProxyBackend.Call call = backend.nextCall();
      assertThat(call.body().getString("channel")).isEqualTo("hooked:room");
      assertThat(call.body().getInteger("data")).isEqualTo(42);
      assertThat(client.request(AuthWsClient.frame("ping", 9)).getString("type")).as("the refused publish was not delivered")
          .isEqualTo("pong");
      client.send(publish(4, "hooked:room", "kick"));
      assertThat(client.awaitClose()).isEqualTo(new Close((short) 4600, "kicked"));
    }
  }

  @Test
  void aSlowBackendTimesOutWithInternal() {
    start("proxy.subscribe_url", backend.url("/subscribe"), "proxy.timeout_ms", "300");
    backend.on("/subscribe", b -> Reply.HOLD);
    try (AuthWsClient client = ws()) {
      client.next("connected");
      long start = System.nanoTime();
      JsonObject error = client.request(subscribe(1, "hooked:a"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(error.getString("code")).isEqualTo("internal");
      assertThat(error.getString("message")).contains("backend timeout");
      // A namespace that fails open goes on.
      assertThat(client.request(subscribe(2, "lenient:a")).getString("type")).isEqualTo("subscribed");
    }
    assertThat(counted("subscribe", "timeout")).isEqualTo(2.0);
  }

  @Test
  void aBackendThatIsDownRefusesWithInternal() {
    start("proxy.connect_url", "http://127.0.0.1:1/connect");
    try (AuthWsClient client = ws()) {
      JsonObject error = client.request(connect(1, null));
      assertThat(error.getString("code")).isEqualTo("internal");
      assertThat(error.getString("message")).contains("connection refused");
      assertThat(client.isClosed()).as("the client may connect again").isFalse();
    }
    assertThat(counted("connect", "failed")).isEqualTo(1.0);
  }

  static Stream<Arguments> malformedAnswers() {
    return Stream.of(
        arguments("not JSON", new Reply(200, Buffer.buffer("hello"))),
        arguments("a JSON array", Reply.json("[]")),
        arguments("none of result, error, disconnect", Reply.json("{}")),
        arguments("two of them", Reply.json("{\"result\":{\"user\":\"a\"},\"error\":{}}")),
        arguments("result not an object", Reply.json("{\"result\":1}")),
        // Well-formed, but a connect without a token must name its user: refused by the connect hook, not the caller.
        arguments("no user", Reply.json("{\"result\":{}}")),
        arguments("user not a string", Reply.json("{\"result\":{\"user\":5}}")),
        arguments("expire_at negative", Reply.json("{\"result\":{\"user\":\"a\",\"expire_at\":-1}}")),
        arguments("expire_at not an integer", Reply.json("{\"result\":{\"user\":\"a\",\"expire_at\":\"soon\"}}")),
        arguments("expire_at out of range", Reply.json("{\"result\":{\"user\":\"a\",\"expire_at\":99999999999999999}}")),
        arguments("info not an object", Reply.json("{\"result\":{\"user\":\"a\",\"info\":[]}}")),
        arguments("an invalid channel in subs", Reply.json("{\"result\":{\"user\":\"a\",\"subs\":[\"bad name\"]}}")),
        arguments("disconnect code out of range", Reply.json("{\"disconnect\":{\"code\":1000}}")),
        arguments("status 500", new Reply(500, Buffer.buffer("{\"result\":{\"user\":\"a\"}}"))),
        arguments("over max_response_bytes", Reply.json("{\"result\":{\"user\":\"a\",\"info\":{\"pad\":\"" + "x".repeat(4096) + "\"}}}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedAnswers")
  void aMalformedAnswerIsAFailedCall(String what, Reply reply) {
    startWithConnectHook("proxy.max_response_bytes", "1024");
    backend.on("/connect", b -> reply);
    try (AuthWsClient client = ws()) {
      JsonObject error = client.request(connect(1, null));
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getString("code")).isEqualTo("internal");
    }
    assertThat(counted("connect", "failed") + counted("connect", "allowed")).isEqualTo(1.0);
    // "no user" is well-formed (a connect with a token may leave it out): the call succeeded, the connect hook refused it.
    assertThat(counted("connect", "failed")).isEqualTo(what.equals("no user") ? 0.0 : 1.0);
  }

  @Test
  void theBreakerOpensAfterConsecutiveFailuresAndClosesAfterATrial() {
    start("proxy.subscribe_url", backend.url("/subscribe"), "proxy.breaker_failures", "2", "proxy.breaker_reset_ms", "300");
    backend.on("/subscribe", b -> new Reply(503, Buffer.buffer()));
    try (AuthWsClient client = ws()) {
      client.next("connected");
      assertThat(client.request(subscribe(1, "hooked:a")).getString("message")).contains("HTTP 503");
      assertThat(client.request(subscribe(2, "hooked:a")).getString("message")).contains("HTTP 503");
      assertThat(client.request(subscribe(3, "hooked:a")).getString("message")).contains("circuit breaker open");
      assertThat(backend.pendingCalls()).as("the open breaker made no call").isEqualTo(2);
      assertThat(counted("subscribe", "breaker_open")).isEqualTo(1.0);
      assertThat(metrics()).contains("herald_proxy_breaker_open 1.0");
      backend.on("/subscribe", "{\"result\":{}}");
      int[] id = {10};
      await().atMost(Duration.ofSeconds(10)).until(() -> "subscribed".equals(client.request(subscribe(id[0]++, "hooked:b")).getString("type")));
      assertThat(metrics()).contains("herald_proxy_breaker_open 0.0");
    }
  }

  @Test
  void overMaxConcurrencyIsRefusedAtOnce() {
    start("proxy.subscribe_url", backend.url("/subscribe"), "proxy.max_concurrency", "1");
    backend.on("/subscribe", b -> Reply.HOLD);
    try (AuthWsClient first = ws(); AuthWsClient second = ws()) {
      first.next("connected");
      second.next("connected");
      first.send(subscribe(1, "hooked:a"));
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.heldCount() == 1);
      JsonObject busy = second.request(subscribe(1, "hooked:a"));
      assertThat(busy.getString("code")).isEqualTo("internal");
      assertThat(busy.getString("message")).contains("backend busy");
      backend.releaseHeld("{\"result\":{}}");
      assertThat(first.next("subscribed").getString("channel")).isEqualTo("hooked:a");
    }
    assertThat(counted("subscribe", "busy")).isEqualTo(1.0);
  }

  @Test
  void aClientGoneMidHookLeavesNothingBehind() {
    start("proxy.connect_url", backend.url("/connect"), "proxy.subscribe_url", backend.url("/subscribe"),
        "auth.max_connections_per_user", "1");
    backend.on("/connect", b -> Reply.HOLD);
    try (AuthWsClient client = ws()) {
      client.send(connect(1, null));
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.heldCount() == 1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> nodeInfo().getInteger("connections") == 0);
    backend.releaseHeld("{\"result\":{\"user\":\"dave\",\"subs\":[\"ghost\"]}}");
    backend.on("/connect", "{\"result\":{\"user\":\"dave\"}}");
    backend.on("/subscribe", b -> Reply.HOLD);
    try (AuthWsClient again = ws()) {
      // Not 4009: the connection gone mid-hook was never counted for dave.
      assertThat(again.request(connect(1, null)).getString("user")).isEqualTo("dave");
      again.send(subscribe(2, "hooked:room"));
      await().atMost(Duration.ofSeconds(10)).until(() -> backend.heldCount() == 1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> nodeInfo().getInteger("connections") == 0);
    backend.releaseHeld("{\"result\":{}}");
    // The answer came after the close: no subscription, no presence.
    assertThat(node.http().get("/api/channels/hooked:room/presence").json().getJsonArray("clients")).isEmpty();
    assertThat(node.http().get("/api/channels/ghost/presence").json().getJsonArray("clients")).isEmpty();
    assertThat(nodeInfo().getInteger("subscriptions")).isZero();
  }

  @Test
  void sseConnectHookAdmitsOrRefuses() {
    startWithConnectHook();
    backend.on("/connect", b -> b.getJsonObject("headers").getString("Authorization", "").equals("Session good")
        ? Reply.json("{\"result\":{\"user\":\"erin\"}}")
        : Reply.json("{\"error\":{\"code\":\"unauthorized\",\"message\":\"who are you\"}}"));
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=news", Map.of("Authorization", "Session good"))) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.next("connected").json().getString("user")).isEqualTo("erin");
      assertThat(backend.nextCall().body().getString("transport")).isEqualTo("sse");
    }
    try (SseClient refused = SseClient.open(node.port(), "/sse?channel=news", Map.of("Authorization", "Session bad"))) {
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.errorBody().getJsonObject("error").getString("message")).isEqualTo("who are you");
    }
  }

  @Test
  void graphqlConnectHookGetsTheInitPayloadAndA4500WhenItFails() {
    startWithConnectHook();
    backend.on("/connect", "{\"result\":{\"user\":\"frank\"}}");
    try (GraphQLWsClient client = GraphQLWsClient.connect(node.vertx(), node.port())) {
      client.send(new JsonObject().put("type", "connection_init").put("payload", new JsonObject().put("session", "s1")));
      client.expect("connection_ack");
      ProxyBackend.Call call = backend.nextCall();
      assertThat(call.body().getString("transport")).isEqualTo("graphql-ws");
      assertThat(call.body().getJsonObject("data")).isEqualTo(new JsonObject().put("session", "s1"));
    }
    backend.on("/connect", b -> new Reply(500, Buffer.buffer()));
    try (GraphQLWsClient client = GraphQLWsClient.connect(node.vertx(), node.port())) {
      client.send(new JsonObject().put("type", "connection_init"));
      assertThat(client.awaitClose()).isEqualTo((short) 4500);
    }
  }

  @Test
  void graphqlOverTheSocketRunsTheSubscribeAndPublishHooks() {
    start("proxy.subscribe_url", backend.url("/subscribe"), "proxy.publish_url", backend.url("/publish"));
    backend.on("/subscribe", b -> b.getString("channel").equals("hooked:open")
        ? Reply.json("{\"result\":{}}") : Reply.json("{\"error\":{\"code\":\"permission_denied\",\"message\":\"closed room\"}}"));
    backend.on("/publish", b -> Reply.json("{\"result\":{\"data\":\"edited\"}}"));
    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
      client.subscribe("closed", "subscription { messages(channel: \"hooked:closed\") { data } }");
      JsonObject refused = client.expect("error", "closed").getJsonArray("payload").getJsonObject(0);
      assertThat(refused.getString("message")).isEqualTo("closed room");
      assertThat(refused.getJsonObject("extensions").getString("code")).isEqualTo("permission_denied");
      client.subscribe("open", "subscription { messages(channel: \"hooked:open\") { data } }");
      await().atMost(Duration.ofSeconds(10)).until(() ->
          !node.http().get("/api/channels/hooked:open/presence").json().getJsonArray("clients").isEmpty());
      client.subscribe("m", "mutation { publish(channel: \"hooked:open\", data: \"raw\") { offset } }");
      // The mutation's result and the subscription's message may come in either order.
      Map<String, JsonObject> nexts = new HashMap<>();
      while (nexts.size() < 2) {
        JsonObject message = client.next();
        if ("next".equals(message.getString("type"))) {
          nexts.put(message.getString("id"), message.getJsonObject("payload").getJsonObject("data"));
        }
      }
      assertThat(nexts.get("m").getJsonObject("publish").getLong("offset")).isEqualTo(1);
      assertThat(nexts.get("open").getJsonObject("messages").getString("data")).isEqualTo("edited");
    }
    // Over HTTP no connection can be asked about: the hooked channel is refused.
    JsonObject overHttp = node.http().post("/graphql", new JsonObject()
        .put("query", "mutation { publish(channel: \"hooked:open\", data: 1) { offset } }")).json();
    assertThat(overHttp.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code"))
        .isEqualTo("permission_denied");
  }

  @Test
  void anSseStreamAsksTheSubscribeHookAboutItsHookedChannels() {
    start("proxy.subscribe_url", backend.url("/subscribe"));
    backend.on("/subscribe", b -> b.getString("channel").equals("hooked:yes")
        ? Reply.json("{\"result\":{}}") : Reply.json("{\"error\":{\"code\":\"permission_denied\",\"message\":\"no\"}}"));
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=hooked:yes&channel=plain")) {
      assertThat(stream.status()).isEqualTo(200);
      stream.next("connected");
      assertThat(backend.nextCall().body().getString("channel")).isEqualTo("hooked:yes");
    }
    try (SseClient refused = SseClient.open(node.port(), "/sse?channel=hooked:yes&channel=hooked:no")) {
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.errorBody().getJsonObject("error").getString("message")).isEqualTo("no");
    }
    assertThat(backend.pendingCalls()).as("the plain channel never called the hook").isEqualTo(2);
  }
}
