package io.herald.node.auth;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.Tokens;
import io.herald.node.auth.AuthWsClient.Close;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same authentication and permissions on GraphQL: the token in connection_init's payload
 * ({@code token} or {@code Authorization: Bearer}), 4403 Forbidden for a refused one, refresh by a ping
 * payload, 1008 on expiry, subscription and query errors with {@code permission_denied}, and
 * {@code Authorization: Bearer <JWT>} on HTTP POST /graphql.
 */
class GraphQLAuthTest {

  private static final String SECRET = "graphql-secret-0123456789abcdef-xyz";
  private static final String MESSAGES = "subscription($c: String!, $t: String) { messages(channel: $c, token: $t) { offset data } }";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of(
      "auth.required", "true", "auth.hmac_secret", SECRET, "auth.leeway_s", "0"))
      .namespaces(new JsonObject().put("claimed", new JsonObject().put("subscribe", "claim")));

  private Tokens tokens;

  @BeforeEach
  void signer() {
    tokens = Tokens.hs256(node.vertx(), SECRET);
  }

  private AuthWsClient init(JsonObject payload) {
    AuthWsClient client = AuthWsClient.graphql(node.vertx(), node.port());
    client.send(new JsonObject().put("type", "connection_init").put("payload", payload));
    return client;
  }

  private AuthWsClient acknowledged(String token) {
    AuthWsClient client = init(new JsonObject().put("token", token));
    client.next("connection_ack");
    return client;
  }

  private static JsonObject subscribe(String id, String query, JsonObject variables) {
    return new JsonObject().put("id", id).put("type", "subscribe")
        .put("payload", new JsonObject().put("query", query).put("variables", variables));
  }

  /** The error code of an {@code error} message, which must be for {@code id}. */
  private static String errorCode(JsonObject message, String id) {
    assertThat(message.getString("type")).as(message.encode()).isEqualTo("error");
    assertThat(message.getString("id")).isEqualTo(id);
    return message.getJsonArray("payload").getJsonObject(0).getJsonObject("extensions").getString("code");
  }

  @Test
  void aTokenInTheInitPayloadIsAcknowledged() {
    try (AuthWsClient client = init(new JsonObject().put("token", tokens.user("alice")))) {
      assertThat(client.next().getString("type")).isEqualTo("connection_ack");
    }
  }

  @Test
  void anAuthorizationBearerInTheInitPayloadIsAcknowledged() {
    try (AuthWsClient client = init(new JsonObject().put("Authorization", "Bearer " + tokens.user("alice")))) {
      assertThat(client.next().getString("type")).isEqualTo("connection_ack");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"none", "expired", "other secret", "alg none", "garbage"})
  void aRefusedInitClosesWith4403Forbidden(String kind) {
    JsonObject payload = switch (kind) {
      case "none" -> new JsonObject();
      case "expired" -> new JsonObject().put("token", tokens.sign(Tokens.claims("alice", -60)));
      case "other secret" -> new JsonObject().put("token",
          Tokens.hs256(node.vertx(), "another-secret-0123456789abcdef-xyz").user("alice"));
      case "alg none" -> new JsonObject().put("token", Tokens.unsigned(Tokens.claims("alice", 3600)));
      case "garbage" -> new JsonObject().put("Authorization", "Bearer x.y.z");
      default -> throw new IllegalArgumentException(kind);
    };
    try (AuthWsClient client = init(payload)) {
      assertThat(client.awaitClose()).isEqualTo(new Close((short) 4403, "Forbidden"));
      assertThat(client.pending()).as("no connection_ack").isZero();
    }
  }

  @Test
  void aSubscriptionTheTokenDoesNotAllowGetsAnErrorWithPermissionDenied() {
    String bob = tokens.sign(Tokens.claims("bob", 3600).put("channels", new JsonArray().add("claimed:bob-*")));
    try (AuthWsClient client = acknowledged(bob)) {
      client.send(subscribe("1", MESSAGES, new JsonObject().put("c", "claimed:alice-1")));
      assertThat(errorCode(client.next(), "1")).isEqualTo("permission_denied");
      client.send(subscribe("2", MESSAGES, new JsonObject().put("c", "$private:room")));
      assertThat(errorCode(client.next(), "2")).isEqualTo("permission_denied");
      assertThat(client.isClosed()).isFalse();

      client.send(subscribe("3", MESSAGES, new JsonObject().put("c", "claimed:bob-1")));
      await().atMost(Duration.ofSeconds(10)).until(() ->
          node.http().get("/api/channels/claimed:bob-1/presence").json().getJsonArray("clients").size() == 1);
      node.http().publish("claimed:bob-1", 5);
      JsonObject next = client.next("next");
      assertThat(next.getJsonObject("payload").getJsonObject("data").getJsonObject("messages").getInteger("data")).isEqualTo(5);
    }
  }

  @Test
  void aSubscriptionTokenArgumentOpensAPrivateChannel() {
    String channel = "$private:gql";
    try (AuthWsClient client = acknowledged(tokens.user("alice"))) {
      String grant = tokens.sign(Tokens.claims("alice", 3600).put("channel", channel));
      client.send(subscribe("1", MESSAGES, new JsonObject().put("c", channel).put("t", grant)));
      await().atMost(Duration.ofSeconds(10)).until(() ->
          node.http().get("/api/channels/" + channel + "/presence").json().getJsonArray("clients").size() == 1);
      node.http().publish(channel, 9);
      assertThat(client.next("next").getString("id")).isEqualTo("1");
    }
  }

  @Test
  void queriesOverTheSocketAreCheckedToo() {
    try (AuthWsClient client = acknowledged(tokens.user("alice"))) {
      client.send(subscribe("q", "{ history(channel: \"open:dm#bob,carol\") { offset } }", new JsonObject()));
      JsonObject next = client.next("next");
      assertThat(next.getJsonObject("payload").getJsonArray("errors").getJsonObject(0).getJsonObject("extensions")
          .getString("code")).isEqualTo("permission_denied");
      client.next("complete");
      client.send(subscribe("p", "mutation { publish(channel: \"open:dm#alice,bob\", data: 1) { offset } }", new JsonObject()));
      assertThat(client.next("next").getJsonObject("payload").getJsonObject("data").getJsonObject("publish")
          .getLong("offset")).isEqualTo(1);
    }
  }

  @Test
  void theChannelsQueryListsOnlyChannelsTheCallerMaySubscribeTo() {
    try (AuthWsClient alice = acknowledged(tokens.user("alice"))) {
      String grant = tokens.sign(Tokens.claims("alice", 3600).put("channel", "$private:listed"));
      alice.send(subscribe("1", MESSAGES, new JsonObject().put("c", "$private:listed").put("t", grant)));
      alice.send(subscribe("2", MESSAGES, new JsonObject().put("c", "open:dm#alice,bob")));
      alice.send(subscribe("3", MESSAGES, new JsonObject().put("c", "open:public")));
      await().atMost(Duration.ofSeconds(10)).until(() ->
          node.http().get("/api/channels").json().getJsonArray("channels").size() >= 3);

      String query = new JsonObject().put("query", "{ channels { name } }").encode();
      Response carol = node.http().request(HttpMethod.POST, "/graphql", io.vertx.core.buffer.Buffer.buffer(query),
          tokens.user("carol"));
      assertThat(carol.json().getJsonObject("data").getJsonArray("channels").stream()
          .map(c -> ((JsonObject) c).getString("name")).toList())
          .contains("open:public").doesNotContain("$private:listed", "open:dm#alice,bob");
      alice.send(subscribe("4", "{ channels { name } }", new JsonObject()));
      assertThat(alice.next("next").getJsonObject("payload").getJsonObject("data").getJsonArray("channels").stream()
          .map(c -> ((JsonObject) c).getString("name")).toList())
          .contains("open:public", "$private:listed", "open:dm#alice,bob");
    }
  }

  @Test
  void aPingWithATokenRefreshesAndExpiryWithoutOneCloses1008() {
    JsonObject shortLived = Tokens.claims("dave", 3);
    try (AuthWsClient refreshed = acknowledged(tokens.sign(shortLived));
         AuthWsClient notRefreshed = acknowledged(tokens.sign(Tokens.claims("dave", 3)))) {
      refreshed.send(new JsonObject().put("type", "ping").put("payload", new JsonObject().put("token", tokens.user("dave"))));
      assertThat(refreshed.next().getString("type")).isEqualTo("pong");

      assertThat(notRefreshed.awaitClose()).isEqualTo(new Close((short) 1008, "token expired"));
      long firstExpiryMs = shortLived.getLong("exp") * 1000 + 300;
      await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > firstExpiryMs);
      refreshed.send(new JsonObject().put("type", "ping"));
      assertThat(refreshed.next().getString("type")).isEqualTo("pong");
      assertThat(refreshed.isClosed()).isFalse();
    }
  }

  @Test
  void aPingWithAnotherUsersTokenCloses4403() {
    try (AuthWsClient client = acknowledged(tokens.user("erin"))) {
      client.send(new JsonObject().put("type", "ping").put("payload", new JsonObject().put("token", tokens.user("mallory"))));
      assertThat(client.awaitClose()).isEqualTo(new Close((short) 4403, "Forbidden"));
    }
  }

  @Test
  void httpGraphQLNeedsABearerTokenWhenAuthIsRequired() {
    String query = new JsonObject().put("query", "{ history(channel: \"open:1\") { offset } }").encode();
    Response anonymous = node.http().request(HttpMethod.POST, "/graphql", io.vertx.core.buffer.Buffer.buffer(query), null);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.json().getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code"))
        .isEqualTo("unauthorized");

    Response alice = node.http().request(HttpMethod.POST, "/graphql", io.vertx.core.buffer.Buffer.buffer(query),
        tokens.user("alice"));
    assertThat(alice.status()).isEqualTo(200);
    assertThat(alice.json().getJsonObject("data").getJsonArray("history")).isEmpty();

    String denied = new JsonObject().put("query", "{ presence(channel: \"$private:x\") { client } }").encode();
    Response refused = node.http().request(HttpMethod.POST, "/graphql", io.vertx.core.buffer.Buffer.buffer(denied),
        tokens.user("alice"));
    assertThat(refused.json().getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code"))
        .isEqualTo("permission_denied");
  }
}
