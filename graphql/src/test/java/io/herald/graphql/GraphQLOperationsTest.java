package io.herald.graphql;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.herald.graphql.testing.GraphQLGateway;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.herald.graphql.GraphQLSupport.data;
import static io.herald.graphql.GraphQLSupport.meter;
import static io.herald.graphql.GraphQLSupport.messages;
import static io.herald.graphql.GraphQLSupport.subscribeLive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** GraphQL's meters on /metrics (herald_graphql_*), following real traffic, and the GraphiQL page. */
class GraphQLOperationsTest {

  /** A node of its own: the meters start at zero and count only this test's traffic. */
  @RegisterExtension
  final TestGatewayExtension node = GraphQLGateway.withDefaults();

  private double value(String name) {
    return meter(node.http(), name, 0);
  }

  private static String operations(String type, String outcome) {
    // Prometheus writes labels in alphabetical order.
    return "herald_graphql_operations_total{outcome=\"" + outcome + "\",type=\"" + type + "\"}";
  }

  @Test
  void metersFollowOperationsSubscriptionsAndDeliveries() {
    String channel = "gmetrics";
    data(node.http(), "{ channels { name } }", null);
    data(node.http(), "{ history(channel: \"" + channel + "\") { offset } }", null);
    data(node.http(), "mutation { publish(channel: \"" + channel + "\", data: 1) { offset } }", null);
    JsonObject refused = GraphQLSupport.execute(node.http(), aliases(16), null);
    assertThat(GraphQLSupport.code(GraphQLSupport.onlyError(refused.getJsonArray("errors")))).isEqualTo("limit_exceeded");

    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
      client.subscribe("q", "{ channels { name } }");
      client.expect("next", "q");
      client.expect("complete", "q");
      subscribeLive(node, client, "s", messages(channel, "offset data"), null);
      assertThat(value("herald_graphql_subscriptions_active")).isEqualTo(1);

      node.http().publish(channel, 2);
      client.expect("next", "s");

      assertThat(value(operations("query", "ok"))).as("queries over HTTP and the socket").isEqualTo(3);
      assertThat(value(operations("query", "error"))).as("the query over a limit").isEqualTo(1);
      assertThat(value(operations("mutation", "ok"))).isEqualTo(1);
      assertThat(value(operations("subscription", "ok"))).isEqualTo(1);
      assertThat(value("herald_graphql_subscription_setup_seconds_count")).isEqualTo(1);
      assertThat(value("herald_graphql_operation_depth_count")).as("every operation that passed the limits").isEqualTo(5);
      assertThat(value("herald_graphql_operation_depth_max")).isEqualTo(2);
      assertThat(value("herald_graphql_operation_complexity_count")).isEqualTo(5);
      assertThat(value("herald_graphql_operation_complexity_sum")).isPositive();
      assertThat(value("herald_graphql_delivery_latency_seconds_count")).as("one message to one subscription").isEqualTo(1);

      client.complete("s");
      await().atMost(Duration.ofMillis(WsClient.TIMEOUT_MS)).until(() -> value("herald_graphql_subscriptions_active") == 0);
    }

    String metrics = GraphQLSupport.metrics(node.http());
    for (String series : new String[] {"herald_graphql_operations_total{", "herald_graphql_subscriptions_active ",
        "herald_graphql_subscription_setup_seconds_bucket{", "herald_graphql_operation_depth_count ",
        "herald_graphql_operation_depth_sum ", "herald_graphql_operation_complexity_count ",
        "herald_graphql_operation_complexity_sum ", "herald_graphql_delivery_latency_seconds_bucket{"}) {
      assertThat(metrics.lines().anyMatch(l -> l.startsWith(series))).as("a sample of %s", series).isTrue();
    }
  }

  /** A query with {@code n} aliases of __typename. */
  private static String aliases(int n) {
    StringBuilder query = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      query.append(" a").append(i).append(": __typename");
    }
    return query.append(" }").toString();
  }

  @Test
  void graphiqlPageIsServed() throws Exception {
    HttpClient client = node.vertx().createHttpClient();
    Promise<String[]> page = Promise.promise();
    // One event-loop context for the whole exchange, as in HttpApiClient.
    node.vertx().getOrCreateContext().runOnContext(v -> client
        .request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(node.port()).setURI("/graphiql/"))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> new String[] {
            Integer.toString(resp.statusCode()), resp.getHeader("Content-Type"), body.toString()}))
        .onComplete(page));
    String[] response = page.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(response[0]).isEqualTo("200");
    assertThat(response[1]).startsWith("text/html");
    assertThat(response[2]).containsIgnoringCase("graphiql");
  }
}
