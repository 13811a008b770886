package io.herald.node.auth;

import io.herald.gateway.testing.Tokens;
import io.herald.node.auth.AuthWsClient.Close;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A node with auth.required and an HS256 secret, aud and iss checks: a valid token (on the upgrade URL
 * or in a connect frame) gets {@code connected} with the user; each kind of bad token closes 4001 with
 * its own reason before any subscription exists; no token within auth.timeout_ms closes 4001 "auth timeout".
 */
class WsTokenTest {

  private static final String SECRET = "test-secret-of-some-length-0123456789";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of(
      "auth.required", "true", "auth.hmac_secret", SECRET, "auth.audience", "herald", "auth.issuer", "backend",
      "auth.leeway_s", "0", "auth.timeout_ms", "500"));

  private Tokens tokens;
  private Tokens otherSecret;

  @BeforeEach
  void signers() {
    tokens = Tokens.hs256(node.vertx(), SECRET);
    otherSecret = Tokens.hs256(node.vertx(), "another-secret-of-some-length-987654");
  }

  private static JsonObject valid(String user) {
    return Tokens.claims(user, 3600).put("aud", "herald").put("iss", "backend");
  }

  /** How a bad token is made, from the node's signer and one with another secret. */
  record Bad(String name, Function<WsTokenTest, String> token, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> badTokens() {
    return Stream.of(
        new Bad("expired", t -> t.tokens.sign(valid("alice").put("exp", Tokens.nowS() - 60)), "token expired"),
        new Bad("not yet valid", t -> t.tokens.sign(valid("alice").put("nbf", Tokens.nowS() + 3600)), "token not yet valid"),
        new Bad("signed with another secret", t -> t.otherSecret.sign(valid("alice")), "invalid signature"),
        new Bad("payload changed after signing", t -> Tokens.tampered(t.tokens.sign(valid("alice")), valid("admin")),
            "invalid signature"),
        new Bad("alg none", t -> Tokens.unsigned(valid("alice")), "unsigned token (alg none)"),
        new Bad("RS256 on an HS256-only node", t -> Tokens.of(node.vertx(), Tokens.rsa(1), "RS256").sign(valid("alice")),
            "unsupported algorithm"),
        new Bad("wrong audience", t -> t.tokens.sign(valid("alice").put("aud", "someone-else")), "wrong audience"),
        new Bad("wrong issuer", t -> t.tokens.sign(valid("alice").put("iss", "evil")), "wrong issuer"),
        new Bad("no sub", t -> t.tokens.sign(valid("alice").put("sub", (String) null)), "missing sub claim"),
        new Bad("channels not an array", t -> t.tokens.sign(valid("alice").put("channels", "chat:*")), "invalid channels claim"),
        new Bad("subs not an array", t -> t.tokens.sign(valid("alice").put("subs", "chat:a")), "invalid subs claim"),
        new Bad("subs with an invalid channel", t -> t.tokens.sign(valid("alice").put("subs", new JsonArray().add("a b"))),
            "invalid subs claim"),
        new Bad("not a JWT", t -> "not.a-jwt", "malformed token"),
        new Bad("a subscription token (channel claim)", t -> t.tokens.sign(valid("alice").put("channel", "$private:room")),
            "subscription token used as connection token"));
  }

  static Stream<Arguments> badTokensBothWays() {
    return badTokens().flatMap(b -> Stream.of(arguments("?token=", b), arguments("connect", b)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badTokensBothWays")
  void aBadTokenClosesWith4001AndItsReasonAndSubscribesNothing(String how, Bad bad) {
    String token = bad.token().apply(this);
    if (how.equals("?token=")) {
      assertThat(AuthWsClient.refusedOnUpgrade(node.port(), token)).isEqualTo(new Close((short) 4001, bad.reason()));
    } else {
      AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), null);
      // The subscribe is pipelined right behind the refused connect: it must not create a subscription.
      client.sendPipelined(AuthWsClient.frame("connect", 1).put("token", token),
          AuthWsClient.frame("subscribe", 2).put("channel", "secret:room"));
      try (client) {
        assertThat(client.awaitClose()).isEqualTo(new Close((short) 4001, bad.reason()));
        assertThat(client.pending()).as("no connected, subscribed or other frame").isZero();
      }
    }
    assertThat(node.http().get("/api/channels").json().getJsonArray("channels")).isEmpty();
    assertThat(node.http().get("/api/info").json().getJsonArray("nodes").getJsonObject(0).getInteger("subscriptions"))
        .isZero();
  }

  @Test
  void aValidTokenOnTheUpgradeUrlConnectsAsItsUser() {
    try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), tokens.sign(valid("alice")))) {
      JsonObject connected = client.next("connected");
      assertThat(connected.getString("user")).isEqualTo("alice");
      assertThat(client.request(AuthWsClient.frame("subscribe", 2).put("channel", "room:1")).getString("type"))
          .isEqualTo("subscribed");
      JsonArray clients = node.http().get("/api/channels/room:1/presence").json().getJsonArray("clients");
      assertThat(clients.getJsonObject(0).getString("user")).isEqualTo("alice");
    }
  }

  @Test
  void aValidConnectFrameIsAnsweredConnectedWithItsId() {
    try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), null)) {
      JsonObject connected = client.request(AuthWsClient.frame("connect", 7).put("token", tokens.sign(valid("bob"))));
      assertThat(connected.getString("type")).isEqualTo("connected");
      assertThat(connected.getString("user")).isEqualTo("bob");
      assertThat(connected.getString("client")).isNotBlank();
    }
  }

  @Test
  void beforeConnectOnlyPingIsServedOtherFramesGetUnauthorized() {
    try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), null)) {
      assertThat(client.request(AuthWsClient.frame("ping", 1)).getString("type")).isEqualTo("pong");
      JsonObject error = client.request(AuthWsClient.frame("subscribe", 2).put("channel", "room:2"));
      assertThat(error.getString("type")).isEqualTo("error");
      assertThat(error.getString("code")).isEqualTo("unauthorized");
      JsonObject publish = client.request(AuthWsClient.frame("publish", 3).put("channel", "room:2").put("data", 1));
      assertThat(publish.getString("code")).isEqualTo("unauthorized");
      assertThat(client.request(AuthWsClient.frame("connect", 4).put("token", tokens.sign(valid("carol"))))
          .getString("type")).isEqualTo("connected");
    }
  }

  @Test
  void aConnectWithoutTokenIsRefusedWhenAuthIsRequired() {
    try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), null)) {
      client.send(AuthWsClient.frame("connect", 1));
      assertThat(client.awaitClose()).isEqualTo(new Close((short) 4001, "token required"));
    }
  }

  @Test
  void noTokenWithinTheAuthTimeoutCloses4001() {
    try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), null)) {
      assertThat(client.awaitClose()).isEqualTo(new Close((short) 4001, "auth timeout"));
      assertThat(client.pending()).isZero();
    }
  }
}
