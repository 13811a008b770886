package io.herald.graphql;

import graphql.introspection.IntrospectionQuery;
import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.graphql.testing.GraphQLGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** GraphiQL works against a node with the default limits: its page loads and its schema query is answered. */
class GraphiQLTest {

  @RegisterExtension
  static final TestGatewayExtension node = GraphQLGateway.withDefaults();

  @Test
  void graphiqlPageIsServed() {
    Response r = node.http().get("/graphiql/");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().toString()).containsIgnoringCase("<html");
  }

  /** The full introspection query (15 levels deep) is what GraphiQL sends first; depth limits must not refuse it. */
  @Test
  void fullIntrospectionQueryIsAnsweredUnderDefaultLimits() {
    Response r = node.http().post("/graphql", new JsonObject().put("query", IntrospectionQuery.INTROSPECTION_QUERY));
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getValue("errors")).isNull();
    assertThat(body.getJsonObject("data").getJsonObject("__schema").getJsonObject("subscriptionType").getString("name"))
        .isEqualTo("Subscription");
  }
}
