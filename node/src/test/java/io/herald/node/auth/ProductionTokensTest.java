package io.herald.node.auth;

import io.herald.gateway.testing.Tokens;
import io.herald.node.auth.AuthWsClient.Close;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What production mode asks of client tokens, on /ws and GraphQL: an {@code exp} (auth.require_exp is on
 * there), the configured {@code aud} and {@code iss} (mandatory whenever auth.audience / auth.issuer are set),
 * and no subscription token (a {@code channel} claim) in place of a connection token. Subscription tokens
 * need an {@code exp} too.
 */
class ProductionTokensTest {

  private static final String SECRET = "production-tokens-secret-0123456789abcdef";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("production", "true", "api.key", "k",
      "auth.hmac_secret", SECRET, "auth.audience", "herald", "auth.issuer", "backend", "auth.leeway_s", "0"));

  private Tokens tokens;

  @BeforeEach
  void signer() {
    tokens = Tokens.hs256(node.vertx(), SECRET);
  }

  /** A token for alice with {@code without} left out: none, exp, aud or iss; "channel" adds a channel claim. */
  private String token(String without) {
    JsonObject claims = Tokens.claims("alice", 3600).put("aud", "herald").put("iss", "backend");
    if (without.equals("channel")) {
      claims.put("channel", "$private:room");
    } else if (!without.equals("none")) {
      claims.remove(without);
    }
    return tokens.sign(claims);
  }

  @ParameterizedTest(name = "{0} without {1} -> {2}")
  @CsvSource({
      "ws,      none,    connected",
      "ws,      exp,     missing exp claim",
      "ws,      aud,     wrong audience",
      "ws,      iss,     wrong issuer",
      "ws,      channel, subscription token used as connection token",
      "graphql, none,    connection_ack",
      "graphql, exp,     Forbidden",
      "graphql, aud,     Forbidden",
      "graphql, channel, Forbidden",
  })
  void connectionTokens(String transport, String without, String expected) {
    String token = token(without);
    if (transport.equals("ws")) {
      if (expected.equals("connected")) {
        try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), token)) {
          assertThat(client.next("connected").getString("user")).isEqualTo("alice");
        }
      } else {
        assertThat(AuthWsClient.refusedOnUpgrade(node.port(), token)).isEqualTo(new Close((short) 4001, expected));
      }
      return;
    }
    try (AuthWsClient client = AuthWsClient.graphql(node.vertx(), node.port())) {
      client.send(new JsonObject().put("type", "connection_init").put("payload", new JsonObject().put("token", token)));
      if (expected.equals("connection_ack")) {
        client.next("connection_ack");
      } else {
        assertThat(client.awaitClose()).isEqualTo(new Close((short) 4403, expected));
      }
    }
  }

  @ParameterizedTest(name = "subscription token with exp={0} -> {1}")
  @CsvSource({
      "true,  subscribed",
      "false, subscription token refused: missing exp claim",
  })
  void subscriptionTokensNeedAnExpiryToo(boolean withExp, String expected) {
    String channel = "$private:prod-" + withExp;
    JsonObject claims = new JsonObject().put("sub", "alice").put("channel", channel).put("aud", "herald").put("iss", "backend");
    if (withExp) {
      claims.put("exp", Tokens.nowS() + 3600);
    }
    try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), token("none"))) {
      client.next("connected");
      JsonObject reply = client.request(AuthWsClient.frame("subscribe", 1).put("channel", channel).put("token", tokens.sign(claims)));
      if (expected.equals("subscribed")) {
        assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("subscribed");
      } else {
        assertThat(reply.getString("code")).isEqualTo("permission_denied");
        assertThat(reply.getString("message")).isEqualTo(expected);
      }
    }
  }
}
