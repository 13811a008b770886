package io.herald.graphql;

import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.graphql.testing.GraphQLGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Production mode closes GraphQL's doors for browsers of other sites: no GraphiQL (404), and {@code POST /graphql}
 * only with {@code Content-Type: application/json} (415 with a JSON error otherwise: a form or text/plain POST
 * needs no CORS preflight). Outside production mode both stay as they were.
 */
class GraphQLProductionTest {

  @RegisterExtension
  static final TestGatewayExtension production = GraphQLGateway.withSettings(Map.of("production", "true",
      "api.key", "production-api-key", "auth.hmac_secret", "production-secret-0123456789abcdef-xyz"));

  @RegisterExtension
  static final TestGatewayExtension development = GraphQLGateway.withDefaults();

  static final String QUERY = new JsonObject().put("query", "{ __typename }").encode();

  /** A request and what it gets; {@code code} the GraphQL error code expected, null for none checked. */
  record Case(String name, boolean productionNode, String method, String path, String contentType, int status,
              String code) {
    @Override
    public String toString() {
      return (productionNode ? "production: " : "development: ") + name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("GraphiQL is off", true, "GET", "/graphiql/", null, 404, null),
        new Case("text/plain POST", true, "POST", "/graphql", "text/plain", 415, "unsupported_media_type"),
        new Case("form POST", true, "POST", "/graphql", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        new Case("multipart POST", true, "POST", "/graphql", "multipart/form-data; boundary=x", 415, "unsupported_media_type"),
        new Case("POST without Content-Type", true, "POST", "/graphql", null, 415, "unsupported_media_type"),
        new Case("JSON POST goes on (to authentication: a token is required)", true, "POST", "/graphql",
            "application/json; charset=utf-8", 401, "unauthorized"),
        new Case("GraphiQL is served", false, "GET", "/graphiql/", null, 200, null),
        new Case("text/plain POST is served", false, "POST", "/graphql", "text/plain", 200, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void graphQLOverHttp(Case c) throws Exception {
    TestGatewayExtension node = c.productionNode() ? production : development;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + c.path()))
        .timeout(Duration.ofSeconds(10));
    if (c.method().equals("POST")) {
      request.POST(HttpRequest.BodyPublishers.ofString(QUERY));
    }
    if (c.contentType() != null) {
      request.header("Content-Type", c.contentType());
    }
    HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
    if (c.code() != null) {
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      JsonObject error = new JsonObject(response.body()).getJsonArray("errors").getJsonObject(0);
      assertThat(error.getJsonObject("extensions").getString("code")).isEqualTo(c.code());
    }
  }
}
