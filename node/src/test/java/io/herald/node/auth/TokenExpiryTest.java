package io.herald.node.auth;

import io.herald.gateway.testing.Tokens;
import io.herald.node.auth.AuthWsClient.Close;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A token that expires while connected: without a {@code refresh}, the connection is closed with 1008
 * "token expired" and its subscriptions are gone; a {@code refresh} with a fresh token of the same user
 * keeps it open; a refresh with a bad token or another user's closes 4001; a refresh whose channels
 * claim no longer allows a subscription ends that subscription.
 */
class TokenExpiryTest {

  private static final String SECRET = "expiry-secret-0123456789abcdef-xyz";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of(
      "auth.required", "true", "auth.hmac_secret", SECRET, "auth.leeway_s", "0"));

  private Tokens tokens;

  @BeforeEach
  void signer() {
    tokens = Tokens.hs256(node.vertx(), SECRET);
  }

  /** Connects with a token for {@code user} expiring in {@code seconds}; returns the client, {@code connected} read. */
  private AuthWsClient connect(JsonObject claims) {
    AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), tokens.sign(claims));
    client.next("connected");
    return client;
  }

  private static JsonObject subscribe(AuthWsClient client, int id, String channel) {
    return client.request(AuthWsClient.frame("subscribe", id).put("channel", channel));
  }

  private static JsonArray presence(String channel) {
    return node.http().get("/api/channels/" + channel + "/presence").json().getJsonArray("clients");
  }

  @Test
  void anExpiredTokenClosesTheConnectionWith1008AndEndsItsSubscriptions() {
    try (AuthWsClient client = connect(Tokens.claims("erin", 3))) {
      assertThat(subscribe(client, 1, "expiry:a").getString("type")).isEqualTo("subscribed");
      assertThat(presence("expiry:a")).hasSize(1);

      assertThat(client.awaitClose()).isEqualTo(new Close((short) 1008, "token expired"));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(presence("expiry:a")).isEmpty());
      assertThat(node.http().get("/api/channels").json().getJsonArray("channels")).isEmpty();
    }
  }

  @Test
  void aRefreshBeforeExpiryKeepsTheConnectionAndItsSubscriptions() {
    JsonObject shortLived = Tokens.claims("frank", 3);
    try (AuthWsClient client = connect(shortLived)) {
      subscribe(client, 1, "expiry:b");
      JsonObject refreshed = client.request(AuthWsClient.frame("refresh", 2).put("token", tokens.user("frank")));
      assertThat(refreshed.getString("type")).isEqualTo("refreshed");
      assertThat(refreshed.getString("user")).isEqualTo("frank");
      assertThat(refreshed.getLong("expires_at")).isGreaterThan(System.currentTimeMillis() + 3_000_000);

      // Past the first token's expiry, the connection still serves and delivers.
      long firstExpiryMs = shortLived.getLong("exp") * 1000 + 300;
      await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > firstExpiryMs);
      node.http().publish("expiry:b", new JsonObject().put("n", 1));
      assertThat(client.next("message").getJsonObject("data").getInteger("n")).isEqualTo(1);
      assertThat(client.request(AuthWsClient.frame("ping", 3)).getString("type")).isEqualTo("pong");
      assertThat(client.isClosed()).isFalse();
    }
  }

  @Test
  void aRefreshNamingAnotherUserCloses4001() {
    try (AuthWsClient client = connect(Tokens.claims("grace", 3600))) {
      client.send(AuthWsClient.frame("refresh", 1).put("token", tokens.user("mallory")));
      assertThat(client.awaitClose()).isEqualTo(new Close((short) 4001, "token user changed"));
    }
  }

  @Test
  void aRefreshWithAnExpiredTokenCloses4001WithItsReason() {
    try (AuthWsClient client = connect(Tokens.claims("heidi", 3600))) {
      client.send(AuthWsClient.frame("refresh", 1).put("token", tokens.sign(Tokens.claims("heidi", -60))));
      assertThat(client.awaitClose()).isEqualTo(new Close((short) 4001, "token expired"));
    }
  }

  @Test
  void aRefreshWhoseChannelsClaimShrankEndsTheSubscriptionsItNoLongerAllows() {
    JsonObject claims = Tokens.claims("ivan", 3600).put("channels", new JsonArray().add("keep:*").add("lose:*"));
    try (AuthWsClient client = connect(claims)) {
      subscribe(client, 1, "keep:1");
      subscribe(client, 2, "lose:1");
      String narrower = tokens.sign(Tokens.claims("ivan", 3600).put("channels", new JsonArray().add("keep:*")));
      client.send(AuthWsClient.frame("refresh", 3).put("token", narrower));

      JsonObject ended = client.next("unsubscribed");
      assertThat(ended.getString("channel")).isEqualTo("lose:1");
      assertThat(ended.getString("reason")).isEqualTo("permission_denied");
      assertThat(client.next("refreshed").getInteger("id")).isEqualTo(3);
      assertThat(presence("lose:1")).isEmpty();
      assertThat(presence("keep:1")).hasSize(1);
    }
  }
}
