package io.herald.node.auth;

import io.herald.gateway.testing.Tokens;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-namespace channel permissions on /ws, checked on every subscribe, publish, history and presence:
 * the exact reply each kind of connection gets ({@code permission_denied} or the normal reply).
 * Auth is optional on this node, so anonymous connections exist next to authenticated ones.
 */
class ChannelPermissionsTest {

  private static final String SECRET = "permissions-secret-0123456789abcdef";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("auth.hmac_secret", SECRET))
      .namespaces(new JsonObject()
          .put("members", new JsonObject().put("subscribe", "authenticated"))
          .put("claimed", new JsonObject().put("subscribe", "claim"))
          .put("tok", new JsonObject().put("subscribe", "token"))
          .put("ro", new JsonObject().put("client_publish", false).put("history", false).put("presence", false)));

  private Tokens tokens;

  @BeforeEach
  void signer() {
    tokens = Tokens.hs256(node.vertx(), SECRET);
  }

  /** anon: no token; alice: a token without channels claim; bob: channels claim [claimed:bob-*, open:*, members:*]. */
  private AuthWsClient as(String who) {
    String token = switch (who) {
      case "anon" -> null;
      case "alice" -> tokens.user("alice");
      case "bob" -> tokens.sign(Tokens.claims("bob", 3600)
          .put("channels", new JsonArray().add("claimed:bob-*").add("open:*").add("members:*")));
      default -> throw new IllegalArgumentException(who);
    };
    AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), token);
    client.next("connected");
    return client;
  }

  private static JsonObject operation(String op, int id, String channel) {
    JsonObject frame = AuthWsClient.frame(op, id).put("channel", channel);
    return op.equals("publish") ? frame.put("data", new JsonObject().put("x", 1)) : frame;
  }

  private static String replyOf(String op) {
    return switch (op) {
      case "subscribe" -> "subscribed";
      case "publish" -> "published";
      default -> op;
    };
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(delimiter = '|', value = {
      "anon | subscribe | open:1 | ok",
      "anon | publish | open:1 | ok",
      "anon | history | open:1 | ok",
      "anon | presence | open:1 | ok",
      "anon | subscribe | members:1 | permission_denied",
      "anon | publish | members:1 | permission_denied",
      "anon | history | members:1 | permission_denied",
      "anon | presence | members:1 | permission_denied",
      "alice | subscribe | members:1 | ok",
      "alice | publish | members:1 | ok",
      "alice | subscribe | claimed:alice-1 | permission_denied",
      "anon | subscribe | claimed:bob-1 | permission_denied",
      "bob | subscribe | claimed:bob-1 | ok",
      "bob | publish | claimed:bob-2 | ok",
      "bob | history | claimed:bob-2 | ok",
      "bob | subscribe | claimed:alice-1 | permission_denied",
      "bob | publish | claimed:alice-1 | permission_denied",
      "bob | subscribe | open:anything | ok",
      "bob | subscribe | elsewhere:1 | permission_denied",
      "bob | publish | elsewhere:1 | permission_denied",
      "alice | subscribe | elsewhere:1 | ok",
      "alice | subscribe | tok:1 | permission_denied",
      "alice | publish | tok:1 | permission_denied",
      "alice | history | tok:1 | permission_denied",
      "alice | subscribe | $private:room | permission_denied",
      "anon | subscribe | $private:room | permission_denied",
      "alice | subscribe | ro:1 | ok",
      "alice | publish | ro:1 | permission_denied",
      "alice | history | ro:1 | permission_denied",
      "alice | presence | ro:1 | permission_denied",
      "alice | subscribe | open:dm#alice,bob | ok",
      "bob | subscribe | open:dm#alice,bob | ok",
      "bob | publish | open:dm#alice,bob | ok",
      "anon | subscribe | open:dm#alice,bob | permission_denied",
      "alice | subscribe | open:dm#bob,carol | permission_denied",
      "alice | publish | open:dm#bob,carol | permission_denied",
      "alice | history | open:dm#bob,carol | permission_denied",
      "alice | presence | open:dm#bob,carol | permission_denied",
  })
  void everyOperationIsChecked(String who, String op, String channel, String expected) {
    try (AuthWsClient client = as(who)) {
      JsonObject reply = client.request(operation(op, 1, channel));
      if (expected.equals("ok")) {
        assertThat(reply.getString("type")).as(reply.encode()).isEqualTo(replyOf(op));
      } else {
        assertThat(reply.getString("type")).isEqualTo("error");
        assertThat(reply.getString("code")).isEqualTo(expected);
        assertThat(reply.getString("message")).isNotBlank();
        assertThat(client.isClosed()).as("the connection stays open").isFalse();
      }
    }
  }

  /** A subscription token for {@code channel} and {@code user}, valid for an hour. */
  private String subscriptionToken(String user, String channel) {
    return tokens.sign(Tokens.claims(user, 3600).put("channel", channel));
  }

  private static JsonObject subscribe(AuthWsClient client, int id, String channel, String token) {
    return client.request(AuthWsClient.frame("subscribe", id).put("channel", channel).put("token", token));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"$private:room", "tok:room"})
  void aSubscriptionTokenGrantsTheChannelAndItsOperationsWhileSubscribed(String channel) {
    try (AuthWsClient alice = as("alice")) {
      assertThat(subscribe(alice, 1, channel, subscriptionToken("alice", channel)).getString("type")).isEqualTo("subscribed");
      for (String op : new String[] {"publish", "history", "presence"}) {
        assertThat(alice.reply(operation(op, 2, channel)).getString("type")).as(op).isEqualTo(replyOf(op));
      }
      alice.reply(AuthWsClient.frame("unsubscribe", 3).put("channel", channel));
      JsonObject afterwards = alice.reply(operation("publish", 4, channel));
      assertThat(afterwards.getString("code")).as("the grant ends with the subscription").isEqualTo("permission_denied");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "for another channel",
      "for another user",
      "expired",
      "signed with another secret",
      "alg none",
  })
  void aBadSubscriptionTokenIsDenied(String kind) {
    String channel = "$private:vault";
    String token = switch (kind) {
      case "for another channel" -> subscriptionToken("alice", "$private:other");
      case "for another user" -> subscriptionToken("bob", channel);
      case "expired" -> tokens.sign(Tokens.claims("alice", -60).put("channel", channel));
      case "signed with another secret" -> Tokens.hs256(node.vertx(), "some-other-secret-0123456789abcdef")
          .sign(Tokens.claims("alice", 3600).put("channel", channel));
      case "alg none" -> Tokens.unsigned(Tokens.claims("alice", 3600).put("channel", channel));
      default -> throw new IllegalArgumentException(kind);
    };
    try (AuthWsClient alice = as("alice")) {
      JsonObject reply = subscribe(alice, 1, channel, token);
      assertThat(reply.getString("type")).isEqualTo("error");
      assertThat(reply.getString("code")).isEqualTo("permission_denied");
      assertThat(reply.getString("message")).startsWith("subscription token refused");
    }
    assertThat(node.http().get("/api/channels/$private:vault/presence").json().getJsonArray("clients")).isEmpty();
  }

  @Test
  void anAnonymousConnectionCannotUseASubscriptionToken() {
    try (AuthWsClient anon = as("anon")) {
      JsonObject reply = subscribe(anon, 1, "$private:x", subscriptionToken("alice", "$private:x"));
      assertThat(reply.getString("code")).isEqualTo("permission_denied");
    }
  }

  @Test
  void theHttpApiIsNotSubjectToChannelPermissions() {
    try (AuthWsClient alice = as("alice")) {
      subscribe(alice, 1, "$private:news", subscriptionToken("alice", "$private:news"));
      node.http().publish("$private:news", new JsonObject().put("n", 1));
      assertThat(alice.next("message").getString("channel")).isEqualTo("$private:news");
    }
  }
}
