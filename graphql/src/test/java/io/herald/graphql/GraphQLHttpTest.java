package io.herald.graphql;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.herald.graphql.testing.GraphQLGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.herald.graphql.GraphQLSupport.code;
import static io.herald.graphql.GraphQLSupport.data;
import static io.herald.graphql.GraphQLSupport.execute;
import static io.herald.graphql.GraphQLSupport.messages;
import static io.herald.graphql.GraphQLSupport.onlyError;
import static io.herald.graphql.GraphQLSupport.subscribeLive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Queries and mutations over {@code POST /graphql} and {@code GET /graphql}: each field of Query and
 * Mutation against real subscribers and history, the scalars, and requests HTTP refuses.
 */
class GraphQLHttpTest {

  static final int DEFAULT_HISTORY_LIMIT = 3;
  static final int MAX_DATA = 1024;
  static final int MAX_BODY = 8192;

  @RegisterExtension
  static final TestGatewayExtension node = GraphQLGateway.withSettings(Map.of(
      "history.default_limit", Integer.toString(DEFAULT_HISTORY_LIMIT),
      "message.max_data_bytes", Integer.toString(MAX_DATA),
      "http.max_body_bytes", Integer.toString(MAX_BODY)));

  private static final AtomicInteger channels = new AtomicInteger();

  private static String freshChannel(String prefix) {
    return prefix + "-" + channels.incrementAndGet();
  }

  private static JsonObject vars(String channel) {
    return new JsonObject().put("c", channel);
  }

  private static GraphQLWsClient graphQLClient() {
    return GraphQLWsClient.connectAndInit(node.vertx(), node.port());
  }

  // ---- Query.channels ----

  @Test
  void channelsCountsWsAndGraphQLSubscribersAlike() {
    String prefix = freshChannel("gch") + ":";
    String a = prefix + "a";
    String b = prefix + "b";
    try (WsClient ws = node.connect(); GraphQLWsClient gql = graphQLClient()) {
      assertThat(ws.subscribe(1, a).getString("type")).isEqualTo("subscribed");
      subscribeLive(node, gql, "a1", messages(a, "offset"), null);
      subscribeLive(node, gql, "a2", messages(a, "data"), null);
      subscribeLive(node, gql, "b", messages(b, "offset"), null);

      assertThat(channels(prefix)).as("the GraphQL connection counts once per channel")
          .containsExactlyInAnyOrder(channel(a, 2), channel(b, 1));
      assertThat(channels(prefix + "b")).containsExactly(channel(b, 1));
      assertThat(channels("nothing-has-this-prefix")).isEmpty();
      assertThat(data(node.http(), "{ channels { name subscribers } }", null).getJsonArray("channels"))
          .as("no prefix: every channel").contains(channel(a, 2), channel(b, 1));

      gql.complete("b");
      gql.complete("a1");
      assertThat(gql.framesUntilPong()).isEmpty();
      await().atMost(Duration.ofMillis(WsClient.TIMEOUT_MS))
          .until(() -> channels(prefix).equals(new JsonArray().add(channel(a, 2))));
      gql.complete("a2");
      await().atMost(Duration.ofMillis(WsClient.TIMEOUT_MS))
          .until(() -> channels(prefix).equals(new JsonArray().add(channel(a, 1))));
    }
  }

  private static JsonArray channels(String prefix) {
    return data(node.http(), "query C($p: String) { channels(prefix: $p) { name subscribers } }",
        new JsonObject().put("p", prefix)).getJsonArray("channels");
  }

  private static JsonObject channel(String name, int subscribers) {
    return new JsonObject().put("name", name).put("subscribers", subscribers);
  }

  // ---- Query.history ----

  @Test
  void historyGivesTheLatestByDefaultAndPagesWithSinceOffsetEpochAndLimit() {
    String channel = freshChannel("ghist");
    String epoch = publishNumbered(channel, 5);
    String q = "query H($c: String!, $since: Long, $epoch: String, $limit: Int) "
        + "{ history(channel: $c, sinceOffset: $since, epoch: $epoch, limit: $limit) { offset } }";

    assertThat(offsets(q, vars(channel))).as("default limit, newest").containsExactly(3L, 4L, 5L);
    assertThat(offsets(q, vars(channel).put("limit", 2))).containsExactly(4L, 5L);
    assertThat(offsets(q, vars(channel).put("since", 1).put("epoch", epoch))).containsExactly(2L, 3L, 4L);
    assertThat(offsets(q, vars(channel).put("since", 1).put("epoch", epoch).put("limit", 2))).containsExactly(2L, 3L);
    assertThat(offsets(q, vars(channel).put("since", 0).put("epoch", epoch).put("limit", 10)))
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(offsets(q, vars(channel).put("since", 5).put("epoch", epoch))).isEmpty();
    assertThat(offsets(q, vars(channel).put("since", 2))).as("without epoch: no check").containsExactly(3L, 4L, 5L);
    assertThat(offsets(q, vars(channel).put("limit", 0))).isEmpty();
    assertThat(offsets(q, vars(freshChannel("ghist-never")))).isEmpty();
  }

  @Test
  void historyMessagesCarryEveryFieldAsStored() {
    String channel = freshChannel("ghist-fields");
    JsonObject published = node.http().publish(channel, new JsonObject().put("k", new JsonArray().add("v")));
    JsonObject stored = node.http().get("/api/channels/" + channel + "/history").json().getJsonArray("messages").getJsonObject(0);

    JsonObject m = data(node.http(), "query H($c: String!) { history(channel: $c) { channel epoch offset data ts __typename } }",
        vars(channel)).getJsonArray("history").getJsonObject(0);

    assertThat(m.getString("channel")).isEqualTo(channel);
    assertThat(m.getString("epoch")).isEqualTo(published.getString("epoch"));
    assertThat(m.getLong("offset")).isEqualTo(1);
    assertThat(m.getJsonObject("data")).isEqualTo(new JsonObject().put("k", new JsonArray().add("v")));
    assertThat(((Number) m.getValue("ts")).doubleValue()).as("ts in epoch ms").isEqualTo(stored.getLong("ts").doubleValue());
    assertThat(m.getString("__typename")).isEqualTo("Message");
  }

  @Test
  void historyFromAPositionHistoryCannotServeIsRecoveryFailed() {
    String channel = freshChannel("ghist-lost");
    String epoch = publishNumbered(channel, 2);
    String q = "query H($c: String!, $since: Long, $epoch: String) "
        + "{ history(channel: $c, sinceOffset: $since, epoch: $epoch) { offset } }";

    for (JsonObject variables : List.of(vars(channel).put("since", 1).put("epoch", "not-" + epoch),
        vars(channel).put("since", 3).put("epoch", epoch))) {
      JsonObject result = execute(node.http(), q, variables);
      assertThat(result.getValue("data")).as("history is non-null: data is null").isNull();
      JsonObject error = onlyError(result.getJsonArray("errors"));
      assertThat(code(error)).isEqualTo("recovery_failed");
      assertThat(error.getJsonArray("path")).isEqualTo(new JsonArray().add("history"));
      assertThat(error.getString("message")).isNotBlank();
    }
  }

  private static List<Long> offsets(String query, JsonObject variables) {
    return data(node.http(), query, variables).getJsonArray("history").stream()
        .map(m -> ((JsonObject) m).getLong("offset")).toList();
  }

  // ---- Query.presence ----

  @Test
  void presenceListsWsAndGraphQLSubscribers() {
    String channel = freshChannel("gpres");
    try (WsClient ws = node.connect(); GraphQLWsClient gql = graphQLClient()) {
      ws.subscribe(1, channel);
      subscribeLive(node, gql, "p", messages(channel, "offset"), null);

      JsonArray present = data(node.http(), "query P($c: String!) { presence(channel: $c) { client user node } }",
          vars(channel)).getJsonArray("presence");

      assertThat(present).hasSize(2);
      assertThat(present).contains(new JsonObject().put("client", ws.clientId()).putNull("user").put("node", node.nodeId()));
      JsonObject other = present.stream().map(JsonObject.class::cast)
          .filter(p -> !ws.clientId().equals(p.getString("client"))).findFirst().orElseThrow();
      assertThat(other.getString("client")).as("the GraphQL connection's id").isNotBlank();
      assertThat(other.getString("node")).isEqualTo(node.nodeId());
      assertThat(other.getValue("user")).isNull();

      gql.complete("p");
      assertThat(gql.framesUntilPong()).isEmpty();
      await().atMost(Duration.ofMillis(WsClient.TIMEOUT_MS)).until(() -> data(node.http(),
          "query P($c: String!) { presence(channel: $c) { client } }", vars(channel)).getJsonArray("presence")
          .equals(new JsonArray().add(new JsonObject().put("client", ws.clientId()))));
    }
  }

  @Test
  void presenceOfAnInvalidChannelIsInvalidChannel() {
    JsonObject result = execute(node.http(), "{ presence(channel: \"no spaces\") { client } }", null);
    assertThat(code(onlyError(result.getJsonArray("errors")))).isEqualTo("invalid_channel");
  }

  // ---- Mutation.publish ----

  @Test
  void publishMutationSharesTheOffsetSequenceWithTheHttpApiAndReachesWsSubscribers() {
    String channel = freshChannel("gpub");
    String mutation = "mutation P($c: String!, $d: JSON) { publish(channel: $c, data: $d) { channel epoch offset } }";
    try (WsClient ws = node.connect()) {
      String epoch = ws.subscribe(1, channel).getString("epoch");

      JsonObject first = data(node.http(), mutation, vars(channel).put("d", new JsonObject().put("via", "graphql")))
          .getJsonObject("publish");
      JsonObject second = node.http().publish(channel, new JsonObject().put("via", "api"));
      JsonObject third = data(node.http(), mutation, vars(channel).put("d", new JsonObject().put("via", "graphql again")))
          .getJsonObject("publish");

      assertThat(first).isEqualTo(new JsonObject().put("channel", channel).put("epoch", epoch).put("offset", 1));
      assertThat(second.getLong("offset")).isEqualTo(2);
      assertThat(third).isEqualTo(new JsonObject().put("channel", channel).put("epoch", epoch).put("offset", 3));
      List<String> via = List.of("graphql", "api", "graphql again");
      for (int n = 1; n <= 3; n++) {
        JsonObject message = ws.next("message");
        assertThat(message.getLong("offset")).isEqualTo(n);
        assertThat(message.getString("epoch")).isEqualTo(epoch);
        assertThat(message.getJsonObject("data").getString("via")).isEqualTo(via.get(n - 1));
      }
      assertThat(ws.framesUntilPong(9)).isEmpty();
    }
  }

  static Stream<Arguments> refusedPublishes() {
    return Stream.of(
        arguments("data over message.max_data_bytes", "ok-channel", "x".repeat(MAX_DATA), "message_too_large"),
        arguments("invalid channel", "no spaces", "x", "invalid_channel"),
        arguments("channel name too long", "c".repeat(256), "x", "invalid_channel"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedPublishes")
  void refusedPublishIsAnErrorWithItsCodeAndPublishesNothing(String name, String channel, String data, String code) {
    JsonObject result = execute(node.http(), "mutation P($c: String!, $d: JSON) { publish(channel: $c, data: $d) { offset } }",
        vars(channel).put("d", data));

    assertThat(result.getValue("data")).isNull();
    JsonObject error = onlyError(result.getJsonArray("errors"));
    assertThat(code(error)).isEqualTo(code);
    assertThat(error.getJsonArray("path")).isEqualTo(new JsonArray().add("publish"));
    if (!"invalid_channel".equals(code)) {
      assertThat(node.http().get("/api/channels/" + channel + "/history").json().getJsonArray("messages")).isEmpty();
    }
  }

  // ---- scalars ----

  static Stream<Arguments> jsonValues() {
    return Stream.of(
        arguments("object", "{a: 1, b: {c: \"d\"}}", new JsonObject().put("a", 1).put("b", new JsonObject().put("c", "d"))),
        arguments("array", "[1, \"two\", [3], {four: 4}, null]",
            new JsonArray().add(1).add("two").add(new JsonArray().add(3)).add(new JsonObject().put("four", 4)).addNull()),
        arguments("string", "\"text with \\\"quotes\\\"\"", "text with \"quotes\""),
        arguments("integer", "-42", -42),
        arguments("decimal", "2.5", 2.5),
        arguments("boolean", "true", true),
        arguments("null", "null", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonValues")
  void jsonScalarCarriesAnyValueAsLiteralOrVariable(String kind, String literal, Object expected) {
    String viaLiteral = freshChannel("gjson-lit");
    String viaVariable = freshChannel("gjson-var");

    data(node.http(), "mutation { publish(channel: \"" + viaLiteral + "\", data: " + literal + ") { offset } }", null);
    data(node.http(), "mutation P($c: String!, $d: JSON) { publish(channel: $c, data: $d) { offset } }",
        vars(viaVariable).put("d", expected));

    for (String channel : List.of(viaLiteral, viaVariable)) {
      Object read = data(node.http(), "query H($c: String!) { history(channel: $c) { data } }", vars(channel))
          .getJsonArray("history").getJsonObject(0).getValue("data");
      Object stored = node.http().get("/api/channels/" + channel + "/history").json()
          .getJsonArray("messages").getJsonObject(0).getValue("data");
      if (expected instanceof Number n) {
        assertThat(((Number) read).doubleValue()).isEqualTo(n.doubleValue());
        assertThat(((Number) stored).doubleValue()).isEqualTo(n.doubleValue());
      } else {
        assertThat(read).as("read back over GraphQL").isEqualTo(expected);
        assertThat(stored).as("stored, read over the HTTP API").isEqualTo(expected);
      }
    }
  }

  @Test
  void longOffsetsAreJsonIntegersBothWays() {
    String channel = freshChannel("glong");
    String epoch = publishNumbered(channel, 3);

    Response r = GraphQLSupport.post(node.http(), "query H($c: String!, $since: Long, $epoch: String) "
        + "{ history(channel: $c, sinceOffset: $since, epoch: $epoch) { offset } }", vars(channel).put("since", 2).put("epoch", epoch));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().toString()).isEqualTo("{\"data\":{\"history\":[{\"offset\":3}]}}");
    JsonObject published = data(node.http(), "mutation { publish(channel: \"" + channel + "\", data: 1) { offset } }", null);
    assertThat(published.getJsonObject("publish").getValue("offset")).isInstanceOf(Integer.class).isEqualTo(4);
  }

  @Test
  void longAcceptsTheWholeSixtyFourBitRange() {
    String channel = freshChannel("glong-max");
    publishNumbered(channel, 1);

    JsonObject literal = data(node.http(), "{ history(channel: \"" + channel + "\", sinceOffset: 9223372036854775807) { offset } }", null);
    JsonObject variable = data(node.http(), "query H($c: String!, $s: Long) { history(channel: $c, sinceOffset: $s) { offset } }",
        vars(channel).put("s", Long.MAX_VALUE));

    assertThat(literal.getJsonArray("history")).isEmpty();
    assertThat(variable.getJsonArray("history")).isEmpty();
  }

  static Stream<Arguments> badLongs() {
    return Stream.of(
        arguments("literal beyond 64 bits", "{ history(channel: \"c\", sinceOffset: 9223372036854775808) { offset } }", null),
        arguments("literal fraction", "{ history(channel: \"c\", sinceOffset: 1.5) { offset } }", null),
        arguments("literal string", "{ history(channel: \"c\", sinceOffset: \"1\") { offset } }", null),
        arguments("variable string", "query H($s: Long) { history(channel: \"c\", sinceOffset: $s) { offset } }",
            new JsonObject().put("s", "1")),
        arguments("variable fraction", "query H($s: Long) { history(channel: \"c\", sinceOffset: $s) { offset } }",
            new JsonObject().put("s", 1.5)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLongs")
  void valueThatIsNotALongIsAGraphQLError(String name, String query, JsonObject variables) {
    JsonObject result = execute(node.http(), query, variables);
    assertThat(result.getJsonArray("errors")).isNotEmpty();
    assertThat(result.getValue("data")).isNull();
  }

  // ---- GET ----

  @Test
  void getRunsAQueryWithVariablesAndOperationName() {
    String channel = freshChannel("gget");
    publishNumbered(channel, 2);
    String query = "query First($c: String!) { history(channel: $c, limit: 1) { offset } } "
        + "query Both($c: String!) { history(channel: $c) { offset } }";

    Response both = get("?query=" + encode(query) + "&variables=" + encode(vars(channel).encode()) + "&operationName=Both");
    Response first = get("?query=" + encode(query) + "&variables=" + encode(vars(channel).encode()) + "&operationName=First");

    assertThat(both.status()).isEqualTo(200);
    assertThat(both.json()).isEqualTo(new JsonObject("{\"data\":{\"history\":[{\"offset\":1},{\"offset\":2}]}}"));
    assertThat(first.json()).isEqualTo(new JsonObject("{\"data\":{\"history\":[{\"offset\":2}]}}"));
  }

  @Test
  void getOfAMutationIsMethodNotAllowedAndPublishesNothing() {
    String channel = freshChannel("gget-mut");
    Response r = get("?query=" + encode("mutation { publish(channel: \"" + channel + "\", data: 1) { offset } }"));

    assertThat(r.status()).isEqualTo(405);
    assertThat(code(onlyError(r.json().getJsonArray("errors")))).isEqualTo("method_not_allowed");
    assertThat(node.http().get("/api/channels/" + channel + "/history").json().getJsonArray("messages")).isEmpty();
  }

  private static Response get(String queryString) {
    return node.http().get("/graphql" + queryString);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- requests refused ----

  static Stream<Arguments> notGraphQLRequests() {
    return Stream.of(
        arguments("batch (JSON array)", "[{\"query\":\"{ channels { name } }\"}]"),
        arguments("not JSON", "{\"query\": "),
        arguments("plain text", "channels"),
        arguments("empty body", ""),
        arguments("JSON string", "\"{ channels { name } }\""),
        arguments("no query", "{\"variables\":{}}"),
        arguments("query not a string", "{\"query\":42}"),
        arguments("variables not an object", "{\"query\":\"{ channels { name } }\",\"variables\":[1]}"),
        arguments("subscription", "{\"query\":\"subscription { messages(channel: \\\"c\\\") { offset } }\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notGraphQLRequests")
  void requestHttpCannotRunIs400BadRequest(String name, String body) {
    Response r = node.http().post("/graphql", Buffer.buffer(body), null);

    assertThat(r.status()).isEqualTo(400);
    JsonObject error = onlyError(r.json().getJsonArray("errors"));
    assertThat(error.getString("message")).isNotBlank();
    assertThat(code(error)).isEqualTo("bad_request");
    assertStillServing();
  }

  @Test
  void bodyOverHttpMaxBodyBytesIs413() {
    String query = "{ channels(prefix: \"" + "p".repeat(MAX_BODY) + "\") { name } }";
    Response r = node.http().post("/graphql", new JsonObject().put("query", query));

    assertThat(r.status()).isEqualTo(413);
    assertStillServing();
  }

  @Test
  void syntaxAndValidationErrorsAre200WithErrors() {
    for (String query : List.of("{ channels { name }", "{ noSuchField }", "{ history { offset } }", "{ channels }",
        "subscription { messages(channel: \"c\") @skip(if: true) { offset } }")) {
      JsonObject result = execute(node.http(), query, null);
      assertThat(result.getJsonArray("errors")).as(query).isNotEmpty();
      assertThat(result.getJsonArray("errors").getJsonObject(0).getString("message")).isNotBlank();
    }
  }

  private static void assertStillServing() {
    assertThat(data(node.http(), "{ channels { name } }", null).getJsonArray("channels")).isNotNull();
  }

  // ---- helpers ----

  /** Publishes {@code {"n": 1..count}} to {@code channel} and returns its epoch. */
  private static String publishNumbered(String channel, int count) {
    String epoch = null;
    for (int n = 1; n <= count; n++) {
      epoch = node.http().publish(channel, new JsonObject().put("n", n)).getString("epoch");
    }
    return epoch;
  }
}
