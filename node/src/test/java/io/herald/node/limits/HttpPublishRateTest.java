package io.herald.node.limits;

import io.herald.node.testing.NodeExtension;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publish rate of callers without a connection (ws.publish_rate / ws.publish_burst, per user or per client
 * address): GraphQL mutations over HTTP, and POST /api/publish and /api/broadcast while no API key is configured.
 * Past the burst a caller gets {@code rate_limited} (HTTP 429); another user or address is unaffected; with an
 * API key the HTTP API is not limited.
 */
class HttpPublishRateTest {

  static final int BURST = 6;
  static final String SECRET = "http-publish-rate-secret-0123456789abcdef";

  /**
   * Refill 1/s: a test's publishes take milliseconds, so the bucket holds what is left of the burst. The test's
   * clients are on loopback addresses (127.0.0.x): not exempt here.
   */
  @RegisterExtension
  static final NodeExtension open = NodeExtension.withSettings(Map.of("ws.publish_rate", "1",
      "ws.publish_burst", Integer.toString(BURST), "auth.hmac_secret", SECRET, "http.publish_rate_exempt_loopback", "false"));

  /** The default: anonymous callers on loopback (a local proxy, the load tool) are exempt. */
  @RegisterExtension
  static final NodeExtension loopbackExempt = NodeExtension.withSettings(Map.of("ws.publish_rate", "1",
      "ws.publish_burst", Integer.toString(BURST)));

  @RegisterExtension
  static final NodeExtension keyed = NodeExtension.withSettings(Map.of("ws.publish_rate", "1",
      "ws.publish_burst", Integer.toString(BURST), "api.key", "backend-key"));

  /**
   * One publish path: {@code cost} tokens a request takes; {@code from} the caller's loopback address, distinct
   * per case (the table is node-wide); {@code user} the token's sub, or null for anonymous.
   */
  record Path(String name, String from, String user, String path, JsonObject body, int cost) {
    @Override
    public String toString() {
      return name;
    }
  }

  static JsonObject mutation(String query) {
    return new JsonObject().put("query", query);
  }

  static List<Path> paths() {
    String one = "mutation { publish(channel: \"rate:g\", data: 1) { offset } }";
    String twoAliases = "mutation { a: publish(channel: \"rate:g\", data: 1) { offset } b: publish(channel: \"rate:g\", data: 2) { offset } }";
    String twoInFragments = "mutation { ...P ...P } fragment P on Mutation { publish(channel: \"rate:g\", data: 1) { offset } }";
    return List.of(
        new Path("GraphQL mutation, anonymous", "127.0.0.2", null, "/graphql", mutation(one), 1),
        new Path("GraphQL mutation, user alice", "127.0.0.3", "alice", "/graphql", mutation(one), 1),
        new Path("GraphQL mutation, two aliased publishes", "127.0.0.4", null, "/graphql", mutation(twoAliases), 2),
        new Path("GraphQL mutation, publishes in fragments", "127.0.0.5", null, "/graphql", mutation(twoInFragments), 2),
        new Path("POST /api/publish, no API key", "127.0.0.6", null, "/api/publish",
            new JsonObject().put("channel", "rate:h").put("data", 1), 1),
        new Path("POST /api/broadcast, no API key", "127.0.0.7", null, "/api/broadcast",
            new JsonObject().put("channels", new JsonArray().add("rate:b1").add("rate:b2")).put("data", 1), 2),
        new Path("POST /api/publish, a batch of three, no API key", "127.0.0.8", null, "/api/publish",
            new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("channel", "rate:m1").put("data", 1))
                .add(new JsonObject().put("channel", "rate:m2").put("data", 2))
                .add(new JsonObject().put("channel", "rate:m1").put("data", 3))), 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void pastTheBurstIsRateLimitedAndOthersAreNot(Path p) {
    String token = p.user() == null ? null : jwt(p.user());
    int allowed = BURST / p.cost();
    for (int i = 0; i < allowed; i++) {
      Reply r = request(open, p.from(), p.path(), p.body(), token);
      assertThat(r.status()).as("publish %d: %s", i + 1, r.body()).isEqualTo(200);
      assertThat(r.body()).doesNotContain("rate_limited");
    }
    Reply refused = request(open, p.from(), p.path(), p.body(), token);
    assertThat(refused.status()).as(refused.body()).isEqualTo(429);
    assertThat(code(p, refused)).isEqualTo("rate_limited");

    // Another caller has a bucket of its own: another user from the same address, or another address.
    Reply other = p.user() != null
        ? request(open, p.from(), p.path(), p.body(), jwt("bob-" + p.from()))
        : request(open, "127.0.1." + p.from().substring(p.from().lastIndexOf('.') + 1), p.path(), p.body(), null);
    assertThat(other.status()).as(other.body()).isEqualTo(200);
  }

  @Test
  void withAnApiKeyTheHttpApiIsNotLimited() {
    JsonObject body = new JsonObject().put("channel", "rate:keyed").put("data", 1);
    for (int i = 0; i < BURST * 3; i++) {
      Reply r = request(keyed, "127.0.0.8", "/api/publish", body, "backend-key");
      assertThat(r.status()).as("publish %d: %s", i + 1, r.body()).isEqualTo(200);
    }
  }

  @Test
  void anonymousLoopbackCallersAreExemptByDefault() {
    JsonObject body = new JsonObject().put("channel", "rate:loopback").put("data", 1);
    for (int i = 0; i < BURST * 3; i++) {
      Reply r = request(loopbackExempt, "127.0.0.9", "/api/publish", body, null);
      assertThat(r.status()).as("publish %d: %s", i + 1, r.body()).isEqualTo(200);
    }
  }

  private static String code(Path p, Reply r) {
    JsonObject json = new JsonObject(r.body());
    return p.path().equals("/graphql")
        ? json.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code")
        : json.getJsonObject("error").getString("code");
  }

  record Reply(int status, String body) {
  }

  /** A POST from local address {@code from}, with {@code Authorization: Bearer <bearer>} unless null. */
  private static Reply request(NodeExtension node, String from, String path, JsonObject body, String bearer) {
    HttpClient client = node.vertx().createHttpClient(new HttpClientOptions().setLocalAddress(from));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(node.port()).setURI(path).putHeader("Content-Type", "application/json");
    if (bearer != null) {
      options.putHeader("Authorization", "Bearer " + bearer);
    }
    Promise<Reply> reply = Promise.promise();
    node.vertx().getOrCreateContext().runOnContext(v -> client.request(options)
        .compose(req -> req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString())))
        .onComplete(reply));
    try {
      return reply.future().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      client.close();
    }
  }

  /** An HS256 token for {@code sub}, signed with the node's secret. */
  private static String jwt(String sub) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String head = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(new JsonObject().put("sub", sub).put("exp", System.currentTimeMillis() / 1000 + 3600)
        .encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return head + "." + claims + "." + b64.encodeToString(mac.doFinal((head + "." + claims).getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
