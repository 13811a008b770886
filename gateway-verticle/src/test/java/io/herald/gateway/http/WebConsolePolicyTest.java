package io.herald.gateway.http;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.SecurityPolicy;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's Content-Security-Policy, and when the console is served at all. */
class WebConsolePolicyTest {

  @ParameterizedTest
  @ValueSource(strings = {"herald.example.com", "herald.example.com:8443", "127.0.0.1:8080", "[::1]:8080"})
  void theSocketsOfTheRequestedHostAreNamed(String host) {
    assertThat(WebConsole.policy(host)).contains("connect-src 'self' ws://" + host + " wss://" + host + ";")
        .startsWith("default-src 'none'; script-src 'self'; style-src 'self';");
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.example; script-src *", "a b", "host:port", "x'", ""})
  void aHostThatIsNoHostAddsNothing(String host) {
    assertThat(WebConsole.policy(host)).contains("connect-src 'self';").doesNotContain("*").doesNotContain("ws:");
    assertThat(WebConsole.policy(null)).contains("connect-src 'self';");
  }

  @Test
  void onByDefaultOffInProductionUnlessSetExplicitly() {
    assertThat(SecurityPolicy.console(HeraldConfig.defaults())).isTrue();
    assertThat(SecurityPolicy.console(load(Map.of("console.enabled", "false")))).isFalse();
    assertThat(SecurityPolicy.console(load(Map.of("production", "true")))).isFalse();
    assertThat(SecurityPolicy.console(load(Map.of("production", "true", "console.enabled", "false")))).isFalse();
    assertThat(SecurityPolicy.console(load(Map.of("production", "true", "console.enabled", "true")))).isTrue();
    assertThat(SecurityPolicy.console(HeraldConfig.load(new JsonObject(), Map.of("HERALD_PRODUCTION", "true",
        "HERALD_CONSOLE_ENABLED", "true"), Map.of()))).as("from the environment").isTrue();
  }

  @Test
  void theBannerSaysWhenProductionModeServesIt() {
    Map<String, String> production = Map.of("production", "true", "api.key", "k", "auth.hmac_secret", "x".repeat(32));
    assertThat(SecurityPolicy.warnings(load(production))).noneMatch(w -> w.contains("console"));
    Map<String, String> withConsole = new HashMap<>(production);
    withConsole.put("console.enabled", "true");
    assertThat(SecurityPolicy.warnings(load(withConsole))).anyMatch(w -> w.startsWith("web console served at /"));
  }

  private static HeraldConfig load(Map<String, String> settings) {
    return HeraldConfig.load(new JsonObject(), Map.of(), settings);
  }
}
