package io.herald.graphql;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the GraphQL tests share: HTTP requests to /graphql, subscriptions known to be live, meters. */
final class GraphQLSupport {

  /** Counts subscriptions that went live; recorded right after a subscription starts delivering. */
  static final String SETUP_COUNT = "herald_graphql_subscription_setup_seconds_count";

  private GraphQLSupport() {
  }

  /** {@code POST /graphql} with {@code query} and {@code variables} (may be null). */
  static HttpApiClient.Response post(HttpApiClient http, String query, JsonObject variables) {
    JsonObject body = new JsonObject().put("query", query);
    if (variables != null) {
      body.put("variables", variables);
    }
    return http.post("/graphql", body);
  }

  /** {@code POST /graphql}, which must answer 200; returns the whole response object. */
  static JsonObject execute(HttpApiClient http, String query, JsonObject variables) {
    HttpApiClient.Response r = post(http, query, variables);
    assertThat(r.status()).as("status of %s: %s", query, r.body()).isEqualTo(200);
    return r.json();
  }

  /** {@code POST /graphql}, which must succeed without errors; returns {@code data}. */
  static JsonObject data(HttpApiClient http, String query, JsonObject variables) {
    JsonObject result = execute(http, query, variables);
    assertThat(result.containsKey("errors")).as("errors of %s: %s", query, result).isFalse();
    return result.getJsonObject("data");
  }

  /** The one error of a GraphQL result (HTTP response or WebSocket error payload). */
  static JsonObject onlyError(JsonArray errors) {
    assertThat(errors).as("errors").hasSize(1);
    return errors.getJsonObject(0);
  }

  static String code(JsonObject error) {
    return error.getJsonObject("extensions").getString("code");
  }

  /**
   * Subscribes and waits until the node has started the subscription (its setup meter counted it),
   * so every message published from then on reaches it. graphql-transport-ws has no "subscribed"
   * acknowledgement; the tests of one class run one at a time, so the count moves only for this one.
   */
  static void subscribeLive(TestGatewayExtension node, GraphQLWsClient client, String id, String query, JsonObject variables) {
    double before = meter(node.http(), SETUP_COUNT, 0);
    client.subscribe(id, query, variables);
    await().atMost(Duration.ofMillis(WsClient.TIMEOUT_MS))
        .until(() -> meter(node.http(), SETUP_COUNT, 0) >= before + 1);
  }

  /** A {@code messages} subscription of {@code channel} (a literal) selecting {@code selection}. */
  static String messages(String channel, String selection) {
    return "subscription { messages(channel: \"" + channel + "\") { " + selection + " } }";
  }

  /** The {@code messages} object of a {@code next} message. */
  static JsonObject message(JsonObject next) {
    return next.getJsonObject("payload").getJsonObject("data").getJsonObject("messages");
  }

  /**
   * The sum of every series named {@code name} in {@code GET /metrics}, or the one series {@code name}
   * names with its labels; {@code absent} if the node exposes none.
   */
  static double meter(HttpApiClient http, String name, double absent) {
    String text = metrics(http);
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || (!name.contains("{") && line.startsWith(name + "{"))) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    return found ? sum : absent;
  }

  static String metrics(HttpApiClient http) {
    HttpApiClient.Response response = http.get("/metrics");
    assertThat(response.status()).as("GET /metrics").isEqualTo(200);
    return response.body().toString();
  }
}
