package io.herald.node.auth;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.SecurityPolicy;
import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.Tokens;
import io.herald.node.Main;
import io.herald.node.auth.AuthWsClient.Close;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Production mode refuses to start without an API key and a JWT key; with them it requires client auth
 * and answers no introspection. The standalone defaults start, and the banner's list names every protection that is off.
 */
class ProductionModeTest {

  private static final String SECRET = "production-secret-0123456789abcdef";

  @RegisterExtension
  final NodeExtension node = NodeExtension.startedByEachTest();

  static Stream<Arguments> missingKeys() {
    return Stream.of(
        arguments(Map.of("production", "true"), new String[] {"no API key", "no JWT key"}),
        arguments(Map.of("production", "true", "api.key", "k"), new String[] {"no JWT key"}),
        arguments(Map.of("production", "true", "auth.hmac_secret", SECRET), new String[] {"no API key"}),
        arguments(Map.of("production", "true", "api.key", "k", "auth.hmac_secret", "x".repeat(31)),
            new String[] {"auth.hmac_secret is 31 bytes", "at least 32"}),
        arguments(Map.of("production", "true", "api.key", "k", "auth.hmac_secret", "\u00e9".repeat(15)),
            new String[] {"auth.hmac_secret is 30 bytes"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missingKeys")
  void productionModeRefusesToStartWithoutKeys(Map<String, String> settings, String[] named) {
    assertThatThrownBy(() -> node.start(settings))
        .rootCause().hasMessageContaining("production mode refuses to start").hasMessageContainingAll(named);
  }

  @Test
  void theCommandLineRefusesProductionWithoutKeysWithExitCode2() {
    assertThat(new CommandLine(new Main()).execute("--production", "--port", "0", "--host", "127.0.0.1")).isEqualTo(2);
  }

  @Test
  void productionModeRequiresClientAuthAndTurnsIntrospectionOff() {
    node.start(Map.of("production", "true", "api.key", "k", "auth.hmac_secret", SECRET, "auth.timeout_ms", "300"));
    try (AuthWsClient anonymous = AuthWsClient.ws(node.vertx(), node.port(), null)) {
      assertThat(anonymous.awaitClose()).isEqualTo(new Close((short) 4001, "auth timeout"));
    }
    String token = Tokens.hs256(node.vertx(), SECRET).user("ops");
    Buffer introspection = new JsonObject().put("query", "{ __schema { types { name } } }").toBuffer();
    Response r = node.http().request(HttpMethod.POST, "/graphql", introspection, token);
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("message")).contains("introspection is disabled");
    assertThat(node.http().request(HttpMethod.GET, "/api/info", null, null).status()).isEqualTo(401);
  }

  @Test
  void aShortSecretIsRefusedOutsideProductionModeToo() {
    // RFC 7518 3.2: an HS256 key at least as long as the hash; a shorter one is brute-forced from one token.
    assertThatThrownBy(() -> node.start(Map.of("auth.hmac_secret", "short")))
        .rootCause().hasMessageContaining("auth.hmac_secret is 5 bytes: at least 32");
  }

  @Test
  void theBannerSaysWhatTokenChecksAreOff() {
    HeraldConfig config = HeraldConfig.defaults().with(HeraldConfig.AUTH_HMAC_SECRET, "x".repeat(32));
    assertThat(String.join("\n", SecurityPolicy.warnings(config)))
        .contains("auth.require_exp=false").contains("aud/iss not checked");
  }

  @Test
  void theStandaloneDefaultsStartAndListWhatIsOff() {
    node.start(Map.of());
    try (AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), null)) {
      assertThat(client.next("connected").containsKey("user")).isFalse();
    }
    assertThat(String.join("\n", SecurityPolicy.warnings(HeraldConfig.defaults())))
        .contains("HTTP API open").contains("client auth OFF").contains("admin.port=0")
        .contains("GraphQL introspection on").contains("not in production mode");
  }

  @Test
  void aFullyConfiguredProductionNodeHasOnlyThePublicPortNotice() {
    HeraldConfig config = HeraldConfig.load(new JsonObject(), Map.of(), Map.of("production", "true", "api.key", "k",
        "auth.hmac_secret", SECRET, "admin.port", "9091", "auth.audience", "herald", "auth.issuer", "backend"));
    assertThat(SecurityPolicy.warnings(config)).isEmpty();
    assertThat(SecurityPolicy.authRequired(config)).isTrue();
    assertThat(SecurityPolicy.introspection(config)).isFalse();
  }
}
