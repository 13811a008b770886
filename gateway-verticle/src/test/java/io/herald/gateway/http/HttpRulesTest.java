package io.herald.gateway.http;

import io.herald.gateway.testing.TestGatewayExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The public port's HTTP rules: request bodies of /api/* must be JSON (only application/json in
 * production), /metrics is not on the public port in production, http.allowed_hosts answers other
 * Hosts 421 on every path and upgrade, and HTTP/2 cleartext (h2c) is off by default.
 */
class HttpRulesTest {

  private static final String KEY = "rules-key";

  @RegisterExtension
  static final TestGatewayExtension dev = TestGatewayExtension.withDefaults();
  @RegisterExtension
  static final TestGatewayExtension production = TestGatewayExtension.withSettings(Map.of("production", "true", "api.key", KEY,
      "auth.hmac_secret", "rules-secret-0123456789abcdef0123"));
  private static final int ADMIN_PORT = RawHttp.freePort();
  @RegisterExtension
  static final TestGatewayExtension productionAdmin = TestGatewayExtension.withSettings(Map.of("production", "true", "api.key", KEY,
      "auth.hmac_secret", "rules-secret-0123456789abcdef0123", "admin.port", Integer.toString(ADMIN_PORT)));
  @RegisterExtension
  static final TestGatewayExtension hosts = TestGatewayExtension.withSettings(Map.of("http.allowed_hosts", "herald.example, api.example:8443"));

  private static String exchange(TestGatewayExtension node, String request) {
    return exchange(node.port(), request);
  }

  private static String exchange(int port, String request) {
    try (RawHttp client = RawHttp.open(port)) {
      return client.send(request).readResponse();
    }
  }

  private static String publish(String contentType, String apiKey) {
    String body = new JsonObject().put("channel", "rules").put("data", 1).encode();
    return "POST /api/publish HTTP/1.1\r\nHost: herald\r\n"
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
        + (apiKey == null ? "" : "Authorization: Bearer " + apiKey + "\r\n")
        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
  }

  static Stream<Arguments> contentTypes() {
    return Stream.of(
        arguments("dev", dev, "application/json", 200),
        arguments("dev", dev, null, 200),
        arguments("dev", dev, "application/x-www-form-urlencoded", 200),
        arguments("dev", dev, "text/plain", 415),
        arguments("dev", dev, "multipart/form-data; boundary=x", 415),
        arguments("production", production, "application/json", 200),
        arguments("production", production, "Application/JSON; charset=utf-8", 200),
        arguments("production", production, null, 415),
        arguments("production", production, "application/x-www-form-urlencoded", 415),
        arguments("production", production, "text/plain", 415));
  }

  @ParameterizedTest(name = "{0}: {2} -> {3}")
  @MethodSource("contentTypes")
  void apiBodiesMustBeJson(String mode, TestGatewayExtension node, String contentType, int status) {
    String response = exchange(node, publish(contentType, node == production ? KEY : null));
    assertThat(RawHttp.status(response)).isEqualTo(status);
    if (status == 415) {
      assertThat(response).contains("\"code\":\"unsupported_media_type\"");
    }
  }

  static Stream<Arguments> metrics() {
    return Stream.of(
        arguments("dev, public port", (java.util.function.IntSupplier) dev::port, 200),
        arguments("production, public port", (java.util.function.IntSupplier) production::port, 404),
        arguments("production with admin.port, public port", (java.util.function.IntSupplier) productionAdmin::port, 404),
        arguments("production with admin.port, admin port", (java.util.function.IntSupplier) () -> ADMIN_PORT, 200));
  }

  @ParameterizedTest(name = "{0}: GET /metrics -> {2}")
  @MethodSource("metrics")
  void productionServesMetricsOnlyOnTheAdminPort(String where, java.util.function.IntSupplier port, int status) {
    assertThat(RawHttp.status(exchange(port.getAsInt(), "GET /metrics HTTP/1.1\r\nHost: herald\r\n\r\n"))).isEqualTo(status);
  }

  private static final String UPGRADE = " HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

  static Stream<Arguments> hostHeaders() {
    return Stream.of(
        arguments("GET /health/live HTTP/1.1\r\n", "herald.example", 200),
        arguments("GET /health/live HTTP/1.1\r\n", "HERALD.example:8080", 200),
        arguments("GET /health/live HTTP/1.1\r\n", "api.example:8443", 200),
        arguments("GET /health/live HTTP/1.1\r\n", "api.example:8080", 421),
        arguments("GET /health/live HTTP/1.1\r\n", "evil.example", 421),
        arguments("GET /health/live HTTP/1.0\r\n", null, 421),
        arguments("GET /health/live HTTP/1.1\r\n", null, 400), // refused by Vert.x: HTTP/1.1 requires a Host
        arguments("GET /api/info HTTP/1.1\r\n", "evil.example", 421),
        arguments("GET /metrics HTTP/1.1\r\n", "evil.example", 421),
        arguments("GET /graphiql/ HTTP/1.1\r\n", "evil.example", 421),
        arguments("GET /no-such-path HTTP/1.1\r\n", "evil.example", 421),
        arguments("GET /ws" + UPGRADE, "herald.example", 101),
        arguments("GET /ws" + UPGRADE, "evil.example", 421),
        arguments("GET /graphql" + UPGRADE + "Sec-WebSocket-Protocol: graphql-transport-ws\r\n", "evil.example", 421));
  }

  @ParameterizedTest(name = "{0} Host: {1} -> {2}")
  @MethodSource("hostHeaders")
  void onlyTheAllowedHostsAreAnswered(String requestLine, String host, int status) {
    String response = exchange(hosts, requestLine + (host == null ? "" : "Host: " + host + "\r\n") + "\r\n");
    assertThat(RawHttp.status(response)).isEqualTo(status);
    if (status == 421 && !requestLine.contains("Upgrade")) {
      assertThat(response).contains("\"code\":\"misdirected_request\"");
    }
  }

  /** Name, what the client sends, what the first bytes of the answer must be. */
  static Stream<Arguments> h2c() {
    return Stream.of(
        arguments("h2c upgrade", "GET /health/live HTTP/1.1\r\nHost: herald\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n", "HTTP/1.1 200"),
        // Read as HTTP/1.x text: Vert.x answers a version it does not speak with 501 and closes.
        arguments("HTTP/2 prior knowledge", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "HTTP/2.0 501 "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("h2c")
  void http2CleartextIsOffByDefault(String name, String request, String answer) {
    try (RawHttp client = RawHttp.open(dev.port())) {
      client.send(request);
      await().atMost(Duration.ofSeconds(10)).until(() -> client.closedByServer() || client.received().length() >= answer.length());
      assertThat(client.received()).as("an HTTP/1.1 answer (HTTP/2 would answer a SETTINGS frame)").startsWith(answer);
    }
  }
}
