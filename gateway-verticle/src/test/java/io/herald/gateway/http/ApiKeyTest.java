package io.herald.gateway.http;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A node with {@code api.key}: /api/* needs {@code Authorization: Bearer <key>}, operations endpoints do not. */
class ApiKeyTest {

  private static final String KEY = "secret";

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withSettings(Map.of("api.key", KEY));

  static Stream<Arguments> apiRoutes() {
    return Stream.of(
        arguments(HttpMethod.GET, "/api/info", null),
        arguments(HttpMethod.GET, "/api/channels", null),
        arguments(HttpMethod.GET, "/api/channels/key:a/history", null),
        arguments(HttpMethod.GET, "/api/channels/key:a/presence", null),
        arguments(HttpMethod.POST, "/api/publish", "{\"channel\":\"key:a\",\"data\":1}"),
        arguments(HttpMethod.POST, "/api/broadcast", "{\"channels\":[\"key:a\"],\"data\":1}"),
        arguments(HttpMethod.POST, "/api/disconnect", "{\"client\":\"nobody\"}"),
        arguments(HttpMethod.POST, "/api/unsubscribe", "{\"channel\":\"key:a\",\"client\":\"nobody\"}"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("apiRoutes")
  void everyApiRouteNeedsTheKey(HttpMethod method, String path, String body) {
    assertUnauthorized(call(method, path, body, null));
    assertUnauthorized(call(method, path, body, "wrong"));
    assertUnauthorized(call(method, path, body, "secre"));
    assertUnauthorized(call(method, path, body, "secretsecret"));
    assertUnauthorized(call(method, path, body, ""));

    Response ok = call(method, path, body, KEY);
    assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
  }

  @Test
  void anUnauthorizedPublishPublishesNothing() {
    assertUnauthorized(call(HttpMethod.POST, "/api/publish", "{\"channel\":\"key:none\",\"data\":1}", "wrong"));

    Response history = call(HttpMethod.GET, "/api/channels/key:none/history", null, KEY);
    assertThat(history.json().getJsonArray("messages")).isEmpty();
  }

  @Test
  void unknownApiRoutesAreAuthenticatedFirst() {
    assertUnauthorized(call(HttpMethod.GET, "/api/nope", null, null));
    assertThat(call(HttpMethod.GET, "/api/nope", null, KEY).errorCode()).isEqualTo("not_found");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/health/live", "/health/ready", "/metrics"})
  void operationsEndpointsNeedNoKey(String path) {
    assertThat(node.http().get(path).status()).isEqualTo(200);
  }

  @Test
  void webSocketClientsNeedNoApiKey() {
    try (WsClient client = node.connect()) {
      assertThat(client.subscribe(1, "key:ws").getString("type")).isEqualTo("subscribed");
    }
  }

  private static Response call(HttpMethod method, String path, String body, String key) {
    return node.http().request(method, path, body == null ? null : Buffer.buffer(body), key);
  }

  private static void assertUnauthorized(Response r) {
    assertThat(r.status()).as(r.body().toString()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo("unauthorized");
    assertThat(r.json().getJsonObject("error").getString("message")).isNotBlank();
  }
}
