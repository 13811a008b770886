package io.herald.node.auth;

import io.herald.gateway.testing.Tokens;
import io.herald.node.auth.AuthWsClient.Close;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of key a node can be given: an HS256 secret, an RS256 PEM file, an ES256 PEM inline (as from
 * the environment) and an RS256 JWKS file. Each node accepts a token signed with its key, and refuses one
 * signed with another key of the same algorithm (4001 "invalid signature") and an HS256 token signed
 * with the public key as the HMAC secret (the algorithm-confusion attack: 4001).
 */
class KeyTypesTest {

  @RegisterExtension
  final NodeExtension node = NodeExtension.startedByEachTest();

  @TempDir
  Path dir;

  /** One key configuration: the node's settings and a signer for its key and for another key. */
  enum KeyKind {
    HS256 {
      @Override
      Setup setup(Vertx vertx, Path dir) {
        return new Setup(Map.of("auth.hmac_secret", "the-node-secret-0123456789abcdef"),
            Tokens.hs256(vertx, "the-node-secret-0123456789abcdef"), Tokens.hs256(vertx, "not-the-node-secret-0123456789ab"),
            "the-node-secret-0123456789abcdef");
      }
    },
    RS256_PEM_FILE {
      @Override
      Setup setup(Vertx vertx, Path dir) {
        KeyPair keys = Tokens.rsa(1);
        Path pem = Tokens.write(dir, "rsa.pem", Tokens.publicPem(keys));
        return new Setup(Map.of("auth.public_key_file", pem.toString()), Tokens.of(vertx, keys, "RS256"),
            Tokens.of(vertx, Tokens.rsa(2), "RS256"), Tokens.publicPem(keys));
      }
    },
    ES256_PEM_INLINE {
      @Override
      Setup setup(Vertx vertx, Path dir) {
        KeyPair keys = Tokens.ec256();
        return new Setup(Map.of("auth.public_keys", Tokens.publicPem(keys)), Tokens.of(vertx, keys, "ES256"),
            Tokens.of(vertx, Tokens.ec256(), "ES256"), Tokens.publicPem(keys));
      }
    },
    RS256_JWKS_FILE {
      @Override
      Setup setup(Vertx vertx, Path dir) {
        KeyPair keys = Tokens.rsa(1);
        Path jwks = Tokens.write(dir, "jwks.json", Tokens.jwks(keys, "key-1").encodePrettily());
        return new Setup(Map.of("auth.jwks_file", jwks.toString()), Tokens.of(vertx, keys, "RS256"),
            Tokens.of(vertx, Tokens.rsa(2), "RS256"), Tokens.publicPem(keys));
      }
    };

    abstract Setup setup(Vertx vertx, Path dir);
  }

  record Setup(Map<String, String> settings, Tokens signer, Tokens otherKey, String publicKeyText) {
  }

  @ParameterizedTest
  @EnumSource(KeyKind.class)
  void aTokenSignedWithTheConfiguredKeyConnects(KeyKind kind) {
    Setup setup = start(kind);
    try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), setup.signer().user("alice"))) {
      assertThat(client.next("connected").getString("user")).isEqualTo("alice");
    }
  }

  @ParameterizedTest
  @EnumSource(KeyKind.class)
  void aTokenSignedWithAnotherKeyIsRefused(KeyKind kind) {
    Setup setup = start(kind);
    // A raw socket: the refusal may be decided without an asynchronous step and share the 101's packet.
    assertThat(AuthWsClient.refusedOnUpgrade(node.port(), setup.otherKey().user("alice")))
        .isEqualTo(new Close((short) 4001, "invalid signature"));
  }

  @ParameterizedTest
  @EnumSource(value = KeyKind.class, names = "HS256", mode = EnumSource.Mode.EXCLUDE)
  void anHs256TokenMadeWithThePublicKeyIsRefused(KeyKind kind) {
    Setup setup = start(kind);
    String forged = Tokens.hs256(node.vertx(), setup.publicKeyText()).user("admin");
    assertThat(AuthWsClient.refusedOnUpgrade(node.port(), forged)).isEqualTo(new Close((short) 4001, "unsupported algorithm"));
  }

  private Setup start(KeyKind kind) {
    Setup setup = kind.setup(node.vertx(), dir);
    node.start(setup.settings());
    return setup;
  }
}
