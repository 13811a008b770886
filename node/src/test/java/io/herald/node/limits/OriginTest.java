package io.herald.node.limits;

import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.node.testing.NodeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * ws.allowed_origins and ws.allow_missing_origin: which Origin may upgrade /ws and /graphql (101) and which
 * is refused with 403 before the upgrade, against cross-site WebSocket hijacking.
 */
class OriginTest {

  private static final String ALLOWED = "https://app.example.com, http://localhost:3000, https://*.example.org";

  @RegisterExtension
  static final NodeExtension listed = NodeExtension.withSettings(Map.of("ws.allowed_origins", ALLOWED));
  @RegisterExtension
  static final NodeExtension browsersOnly = NodeExtension.withSettings(Map.of("ws.allowed_origins", ALLOWED,
      "ws.allow_missing_origin", "false"));
  @RegisterExtension
  static final NodeExtension open = NodeExtension.withDefaults();

  private static int status(NodeExtension node, String path, String origin) {
    Map<String, String> headers = new HashMap<>();
    if (origin != null) {
      headers.put("Origin", origin);
    }
    return RawWebSocket.upgrade("127.0.0.1", node.port(), path, headers).status();
  }

  static Stream<Arguments> origins() {
    return Stream.of(
        arguments("exact match", "https://app.example.com", 101),
        arguments("scheme and host in upper case", "HTTPS://APP.EXAMPLE.COM", 101),
        arguments("the default port written out", "https://app.example.com:443", 101),
        arguments("another port", "https://app.example.com:8443", 403),
        arguments("another scheme", "http://app.example.com", 403),
        arguments("exact match with its port", "http://localhost:3000", 101),
        arguments("the port left out (80, not 3000)", "http://localhost", 403),
        arguments("a neighbouring port", "http://localhost:3001", 403),
        arguments("another site", "https://evil.com", 403),
        arguments("the allowed host as a prefix of another", "https://app.example.com.evil.com", 403),
        arguments("the allowed host as a suffix of another", "https://evilapp.example.com", 403),
        arguments("a subdomain of an exact entry", "https://x.app.example.com", 403),
        arguments("wildcard: a subdomain", "https://chat.example.org", 101),
        arguments("wildcard: a deeper subdomain", "https://a.b.example.org", 101),
        arguments("wildcard: upper case", "https://CHAT.Example.ORG", 101),
        arguments("wildcard: not the bare domain", "https://example.org", 403),
        arguments("wildcard: a lookalike domain", "https://notexample.org", 403),
        arguments("wildcard: another port", "https://chat.example.org:444", 403),
        arguments("wildcard: another scheme", "http://chat.example.org", 403),
        arguments("Origin: null (sandboxed frame, file: page)", "null", 403),
        arguments("with a path: not an origin", "https://app.example.com/", 403),
        arguments("with user info", "https://user@app.example.com", 403),
        arguments("garbage", "%%%", 403),
        arguments("empty", "", 403),
        arguments("no Origin header (not a browser)", null, 101));
  }

  @ParameterizedTest(name = "/ws: {0}: {2}")
  @MethodSource("origins")
  void wsUpgradeByOrigin(String name, String origin, int expected) {
    assertThat(status(listed, "/ws", origin)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "/graphql: {0}: {2}")
  @MethodSource("origins")
  void graphQLUpgradeByOrigin(String name, String origin, int expected) {
    assertThat(status(listed, "/graphql", origin)).isEqualTo(expected);
  }

  @Test
  void withoutMissingOriginAllowedAnUpgradeWithoutOriginIsRefused() {
    assertThat(status(browsersOnly, "/ws", null)).isEqualTo(403);
    assertThat(status(browsersOnly, "/graphql", null)).isEqualTo(403);
    assertThat(status(browsersOnly, "/ws", "https://app.example.com")).isEqualTo(101);
  }

  @Test
  void withoutAListEveryOriginIsAllowed() {
    for (String origin : new String[] {"https://evil.com", "null", "http://localhost:1", "%%%", null}) {
      assertThat(status(open, "/ws", origin)).as("origin %s", origin).isEqualTo(101);
    }
  }

  @Test
  void refusalsAreCounted() {
    double before = Metrics.value(listed.http(), "herald_limits_triggered_total{limit=\"origin\"}");
    assertThat(status(listed, "/ws", "https://evil.com")).isEqualTo(403);
    assertThat(Metrics.value(listed.http(), "herald_limits_triggered_total{limit=\"origin\"}")).isEqualTo(before + 1);
  }
}
