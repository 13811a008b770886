package io.herald.node.auth;

import io.herald.gateway.testing.Tokens;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscription opened with a subscription token ends when that token expires (exp + auth.leeway_s):
 * on /ws with the push {@code unsubscribed} reason "token expired", on GraphQL with an {@code error}
 * ({@code permission_denied}) for the operation; the connection stays open. A fresh subscription token
 * ({@code sub_refresh} on /ws, a ping's {@code subscription_tokens} on GraphQL) extends it; a refused one is
 * {@code permission_denied}.
 */
class SubscriptionTokenExpiryTest {

  private static final String SECRET = "subscription-expiry-secret-0123456789";
  private static final String MESSAGES = "subscription($c: String!, $t: String) { messages(channel: $c, token: $t) { offset } }";
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("auth.hmac_secret", SECRET, "auth.leeway_s", "0"))
      .namespaces(new JsonObject().put("tok", new JsonObject().put("subscribe", "token")));

  private Tokens tokens;

  @BeforeEach
  void signer() {
    tokens = Tokens.hs256(node.vertx(), SECRET);
  }

  private String grant(String user, String channel, long seconds) {
    return tokens.sign(Tokens.claims(user, seconds).put("channel", channel));
  }

  private static int subscribers(String channel) {
    return node.http().get("/api/channels/" + channel + "/presence").json().getJsonArray("clients").size();
  }

  /**
   * refresh: none, "fresh" (an hour), or a refused one: "expired", "other channel", "other user".
   * expected: "ends" (at the first token's expiry), "continues" (past it), "refused" (the refresh is refused).
   */
  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
      "$private, ws,      none,          ends",
      "$private, ws,      fresh,         continues",
      "$private, ws,      expired,       refused",
      "$private, ws,      other channel, refused",
      "$private, ws,      other user,    refused",
      "tok,      ws,      none,          ends",
      "tok,      ws,      fresh,         continues",
      "$private, graphql, none,          ends",
      "$private, graphql, fresh,         continues",
      "$private, graphql, other user,    refused",
      "tok,      graphql, none,          ends",
  })
  void aSubscriptionEndsWhenItsTokenExpiresUnlessRefreshed(String namespace, String transport, String refresh, String expected) {
    String channel = namespace + ":room-" + CHANNELS.incrementAndGet();
    JsonObject shortLived = Tokens.claims("alice", 2).put("channel", channel);
    long expiresAtMs = shortLived.getLong("exp") * 1000;
    String fresh = switch (refresh) {
      case "none" -> null;
      case "fresh" -> grant("alice", channel, 3600);
      case "expired" -> grant("alice", channel, -60);
      case "other channel" -> grant("alice", channel + "-other", 3600);
      case "other user" -> grant("mallory", channel, 3600);
      default -> throw new IllegalArgumentException(refresh);
    };
    if (transport.equals("ws")) {
      overWs(channel, tokens.sign(shortLived), fresh, expiresAtMs, expected);
    } else {
      overGraphQL(channel, tokens.sign(shortLived), fresh, expiresAtMs, expected);
    }
  }

  private void overWs(String channel, String token, String fresh, long expiresAtMs, String expected) {
    try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), tokens.user("alice"))) {
      client.next("connected");
      JsonObject subscribed = client.request(AuthWsClient.frame("subscribe", 1).put("channel", channel).put("token", token));
      assertThat(subscribed.getString("type")).as(subscribed.encode()).isEqualTo("subscribed");
      if (fresh != null) {
        JsonObject reply = client.request(AuthWsClient.frame("sub_refresh", 2).put("channel", channel).put("token", fresh));
        if (expected.equals("refused")) {
          assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("error");
          assertThat(reply.getString("code")).isEqualTo("permission_denied");
          assertThat(reply.getString("message")).startsWith("subscription token refused");
        } else {
          assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("sub_refreshed");
          assertThat(reply.getString("channel")).isEqualTo(channel);
          assertThat(reply.getLong("expires_at")).isGreaterThan(System.currentTimeMillis() + 3_000_000);
        }
      }
      if (expected.equals("continues")) {
        await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > expiresAtMs + 300);
        node.http().publish(channel, new JsonObject().put("n", 1));
        assertThat(client.next("message").getString("channel")).isEqualTo(channel);
      } else {
        // Ended (a refused refresh keeps the first token, which then expires): a push, presence gone.
        JsonObject ended = client.next("unsubscribed");
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(expiresAtMs);
        assertThat(ended.getString("channel")).isEqualTo(channel);
        assertThat(ended.getString("reason")).isEqualTo("token expired");
        assertThat(ended.containsKey("id")).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(channel) == 0);
        node.http().publish(channel, new JsonObject().put("n", 2));
        assertThat(client.request(AuthWsClient.frame("ping", 3)).getString("type"))
            .as("the connection stays open and gets no message any more").isEqualTo("pong");
      }
      assertThat(client.isClosed()).isFalse();
    }
  }

  private void overGraphQL(String channel, String token, String fresh, long expiresAtMs, String expected) {
    try (AuthWsClient client = AuthWsClient.graphql(node.vertx(), node.port())) {
      client.send(new JsonObject().put("type", "connection_init").put("payload", new JsonObject().put("token", tokens.user("alice"))));
      client.next("connection_ack");
      client.send(new JsonObject().put("id", "s1").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", MESSAGES).put("variables", new JsonObject().put("c", channel).put("t", token))));
      await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(channel) == 1);
      if (fresh != null) {
        client.send(new JsonObject().put("type", "ping")
            .put("payload", new JsonObject().put("subscription_tokens", new JsonObject().put("s1", fresh))));
        if (expected.equals("refused")) {
          JsonObject error = client.next("error");
          assertThat(error.getString("id")).isEqualTo("s1");
          assertThat(error.getJsonArray("payload").getJsonObject(0).getJsonObject("extensions").getString("code"))
              .isEqualTo("permission_denied");
          assertThat(error.getJsonArray("payload").getJsonObject(0).getString("message")).startsWith("subscription token refused");
          client.next("pong");
          await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(channel) == 0);
          return;
        }
        client.next("pong");
      }
      if (expected.equals("continues")) {
        await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > expiresAtMs + 300);
        node.http().publish(channel, new JsonObject().put("n", 1));
        assertThat(client.next("next").getString("id")).isEqualTo("s1");
      } else {
        JsonObject error = client.next("error");
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(expiresAtMs);
        assertThat(error.getString("id")).isEqualTo("s1");
        assertThat(error.getJsonArray("payload").getJsonObject(0).getString("message")).isEqualTo("subscription token expired");
        assertThat(error.getJsonArray("payload").getJsonObject(0).getJsonObject("extensions").getString("code"))
            .isEqualTo("permission_denied");
        await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(channel) == 0);
      }
      assertThat(client.isClosed()).isFalse();
    }
  }
}
