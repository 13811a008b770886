package io.herald.graphql;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.graphql.testing.GraphQLGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static io.herald.graphql.GraphQLSupport.code;
import static io.herald.graphql.GraphQLSupport.data;
import static io.herald.graphql.GraphQLSupport.onlyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operation limits (graphql.max_depth, max_complexity, max_fields, max_aliases, introspection):
 * an operation over one is refused with {@code limit_exceeded} and a message naming the key, over HTTP
 * and over the WebSocket alike; one at the limit runs; the node serves on afterwards.
 */
class GraphQLLimitsTest {

  static final int MAX_DEPTH = 2;
  static final int MAX_COMPLEXITY = 50;
  static final int MAX_FIELDS = 6;
  static final int MAX_ALIASES = 2;

  /** Small limits, introspection on. */
  @RegisterExtension
  static final TestGatewayExtension limited = GraphQLGateway.withSettings(Map.of(
      "graphql.max_depth", Integer.toString(MAX_DEPTH),
      "graphql.max_complexity", Integer.toString(MAX_COMPLEXITY),
      "graphql.max_fields", Integer.toString(MAX_FIELDS),
      "graphql.max_aliases", Integer.toString(MAX_ALIASES)));

  /**
   * Depth 1: the schema's own fields nest two deep at most (Query.history -> Message), and introspection
   * is not measured against the limits, so only a depth limit below 2 can be exceeded.
   */
  @RegisterExtension
  static final TestGatewayExtension shallow = GraphQLGateway.withSettings(Map.of("graphql.max_depth", "1"));

  /** Default limits, introspection off. */
  @RegisterExtension
  static final TestGatewayExtension closed = GraphQLGateway.withSettings(Map.of("graphql.introspection", "false"));

  /** An operation over exactly one limit, on the node whose limits it breaks. */
  record OverLimit(String name, TestGatewayExtension target, String query, JsonObject variables, String key) {
    @Override
    public String toString() {
      return key + ": " + name;
    }
  }

  static Stream<Arguments> overLimits() {
    return Stream.of(
        new OverLimit("depth 2 in nested selections", shallow, "{ history(channel: \"c\") { offset } }", null,
            "graphql.max_depth"),
        new OverLimit("depth 2 through nested fragments", shallow,
            "{ ...Q } fragment Q on Query { history(channel: \"c\") { ...M } } fragment M on Message { offset }", null,
            "graphql.max_depth"),
        new OverLimit("a limit argument multiplies the children", limited,
            "{ history(channel: \"c\", limit: 200) { offset } }", null, "graphql.max_complexity"),
        new OverLimit("a limit from a variable", limited,
            "query H($l: Int) { history(channel: \"c\", limit: $l) { offset } }", new JsonObject().put("l", 50),
            "graphql.max_complexity"),
        new OverLimit("a limit from a variable's default value", limited,
            "query H($l: Int = 200) { history(channel: \"c\", limit: $l) { offset } }", null, "graphql.max_complexity"),
        new OverLimit("a list without limit counts 10 per child", limited,
            "{ history(channel: \"c\") { channel epoch offset data ts } }", null, "graphql.max_complexity"),
        new OverLimit("fields", limited, "{ history(channel: \"c\", limit: 1) { channel epoch offset data ts offset } }",
            null, "graphql.max_fields"),
        new OverLimit("fields of a fragment count at every spread", limited,
            "{ history(channel: \"c\", limit: 1) { ...M ...M } } fragment M on Message { offset data ts }", null,
            "graphql.max_fields"),
        new OverLimit("fields of a subscription", limited,
            "subscription { messages(channel: \"c\") { ...M ...M offset } } fragment M on Message { offset data ts }",
            null, "graphql.max_fields"),
        new OverLimit("aliases", limited, "{ a: channels { name } b: channels { name } c: channels { name } }", null,
            "graphql.max_aliases"),
        new OverLimit("aliases of a subscription", limited,
            "subscription { m: messages(channel: \"c\") { o: offset d: data } }", null, "graphql.max_aliases"),
        new OverLimit("__schema", closed, "{ __schema { types { name } } }", null, "graphql.introspection"),
        new OverLimit("__type", closed, "{ __type(name: \"Message\") { name } }", null, "graphql.introspection"),
        new OverLimit("introspection inside a fragment", closed,
            "{ channels { name } ...I } fragment I on Query { __schema { queryType { name } } }", null,
            "graphql.introspection"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overLimits")
  void overALimitOverHttpIsLimitExceededNamingTheKey(OverLimit over) {
    JsonObject body = new JsonObject().put("query", over.query());
    if (over.variables() != null) {
      body.put("variables", over.variables());
    }
    Response r = over.target().http().post("/graphql", body);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().containsKey("data")).as("refused before running: no data").isFalse();
    assertLimitError(r.json().getJsonArray("errors"), over.key());
    // Depth 1, so it fits every node of this class.
    assertThat(data(over.target().http(), "{ __typename }", null).getString("__typename"))
        .as("the node serves on").isEqualTo("Query");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overLimits")
  void overALimitOverTheWebSocketIsAnErrorMessageNamingTheKey(OverLimit over) {
    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(over.target().vertx(), over.target().port())) {
      client.subscribe("over", over.query(), over.variables());

      JsonObject error = client.expect("error", "over");
      assertLimitError(error.getJsonArray("payload"), over.key());
      assertThat(client.framesUntilPong()).as("no complete after an error").isEmpty();

      // The connection serves on, even the same id (depth 1, so it fits every node of this class).
      client.subscribe("over", "{ __typename }");
      assertThat(client.expect("next", "over").getJsonObject("payload").getJsonObject("data").getString("__typename"))
          .isEqualTo("Query");
      client.expect("complete", "over");
    }
  }

  private static void assertLimitError(JsonArray errors, String key) {
    JsonObject error = onlyError(errors);
    assertThat(code(error)).isEqualTo("limit_exceeded");
    assertThat(error.getString("message")).contains(key);
  }

  static Stream<Arguments> atLimits() {
    return Stream.of(
        Arguments.of("depth 2", "{ history(channel: \"c\") { offset } }"),
        Arguments.of("complexity 50", "{ history(channel: \"c\", limit: 49) { offset } }"),
        Arguments.of("6 fields", "{ history(channel: \"c\", limit: 1) { channel epoch offset data ts } }"),
        Arguments.of("2 aliases", "{ a: channels { name } b: channels { name } }"),
        Arguments.of("2 aliases in a subscription", "subscription { m: messages(channel: \"c\") { o: offset } }"));
  }

  /**
   * The node keeps documents it has parsed and validated: a repeat of the same text is measured again with its own
   * variables (a `limit` from a variable may take it over), and an invalid one is refused again.
   */
  @Test
  void aRepeatedDocumentIsMeasuredWithEachRequestsVariables() {
    String query = "query H($l: Int) { history(channel: \"c\", limit: $l) { offset } }";
    for (int round = 0; round < 3; round++) {
      JsonObject within = GraphQLSupport.execute(limited.http(), query, new JsonObject().put("l", 5));
      assertThat(within.containsKey("errors")).as("round %d: %s", round, within).isFalse();
      JsonObject over = GraphQLSupport.execute(limited.http(), query, new JsonObject().put("l", MAX_COMPLEXITY));
      assertThat(over.containsKey("data")).as("round %d: refused before running", round).isFalse();
      assertLimitError(over.getJsonArray("errors"), "graphql.max_complexity");
    }
    for (int round = 0; round < 2; round++) {
      JsonObject invalid = GraphQLSupport.execute(limited.http(), "{ history(channel: \"c\") { nope } }", null);
      assertThat(invalid.getJsonArray("errors").getJsonObject(0).getString("message")).as("round %d", round)
          .contains("nope");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("atLimits")
  void operationAtTheLimitsRuns(String name, String query) {
    if (query.startsWith("subscription")) {
      try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(limited.vertx(), limited.port())) {
        client.subscribe("at", query);
        assertThat(client.framesUntilPong()).as("accepted: no error").isEmpty();
      }
    } else {
      JsonObject result = GraphQLSupport.execute(limited.http(), query, null);
      assertThat(result.containsKey("errors")).as("%s", result).isFalse();
      assertThat(result.getJsonObject("data")).isNotNull();
    }
  }

  /** Introspection is deep by nature (GraphiQL's query is 15 levels); it is only refused when off, never measured. */
  @Test
  void introspectionIsNotMeasuredAgainstTheDepthLimit() {
    JsonObject schema = data(shallow.http(), "{ __schema { queryType { fields { name } } } }", null);
    assertThat(schema.getJsonObject("__schema").getJsonObject("queryType").getJsonArray("fields")).isNotEmpty();
  }

  @Test
  void typenameIsAllowedWithIntrospectionOff() {
    assertThat(data(closed.http(), "{ __typename }", null)).isEqualTo(new JsonObject().put("__typename", "Query"));
    assertThat(data(closed.http(), "{ history(channel: \"c\") { __typename } }", null).getJsonArray("history")).isEmpty();
    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(closed.vertx(), closed.port())) {
      client.subscribe("t", "{ __typename }");
      assertThat(client.expect("next", "t").getJsonObject("payload"))
          .isEqualTo(new JsonObject().put("data", new JsonObject().put("__typename", "Query")));
      client.expect("complete", "t");
    }
  }

  @Test
  void introspectionIsOnByDefault() {
    JsonObject schema = data(limited.http(), "{ __type(name: \"Message\") { name } }", null);
    assertThat(schema).isEqualTo(new JsonObject().put("__type", new JsonObject().put("name", "Message")));
  }
}
