package io.herald.node.auth;

import io.herald.gateway.testing.Tokens;
import io.herald.node.auth.AuthWsClient.Close;
import io.herald.node.testing.NodeExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** auth.max_connections_per_user: one connection over the limit closes 4009; other users are unaffected; closing frees a slot. */
class PerUserLimitTest {

  private static final String SECRET = "per-user-secret-0123456789abcdef-x";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of(
      "auth.hmac_secret", SECRET, "auth.max_connections_per_user", "2"));

  private Tokens tokens;

  @BeforeEach
  void signer() {
    tokens = Tokens.hs256(node.vertx(), SECRET);
  }

  private AuthWsClient open(String user) {
    return AuthWsClient.ws(node.vertx(), node.port(), tokens.user(user));
  }

  @Test
  void aUsersConnectionOverTheLimitCloses4009() {
    try (AuthWsClient first = open("alice"); AuthWsClient second = open("alice")) {
      first.next("connected");
      second.next("connected");
      try (AuthWsClient third = open("alice")) {
        assertThat(third.awaitClose()).isEqualTo(new Close((short) 4009, "too many connections for user"));
      }
      try (AuthWsClient bob = open("bob")) {
        assertThat(bob.next("connected").getString("user")).isEqualTo("bob");
      }
      // Through a connect frame too.
      try (AuthWsClient viaConnect = AuthWsClient.ws(node.vertx(), node.port(), null)) {
        viaConnect.next("connected");
        viaConnect.connect(tokens.user("alice"));
        assertThat(viaConnect.awaitClose()).isEqualTo(new Close((short) 4009, "too many connections for user"));
      }
      first.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (AuthWsClient again = open("alice")) {
          return "connected".equals(again.firstFrameOrClose());
        }
      });
    }
  }
}
