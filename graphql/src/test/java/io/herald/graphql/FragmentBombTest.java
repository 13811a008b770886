package io.herald.graphql;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.graphql.testing.GraphQLGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.herald.graphql.GraphQLSupport.code;
import static io.herald.graphql.GraphQLSupport.onlyError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Documents whose cost grows with their fragment spreads, not their size (a 1.2 KB "fragment bomb" expands to
 * 2^30 fields; a 35 KB chain of fragments costs graphql-java's validation minutes): each is refused with
 * {@code limit_exceeded} within milliseconds over every transport, and the node answers meanwhile. Every wait is
 * bounded, so a node that blocks fails the test instead of hanging it.
 */
class FragmentBombTest {

  static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

  /** Default limits: the bombs must be caught by them as shipped. */
  @RegisterExtension
  static final TestGatewayExtension node = GraphQLGateway.withDefaults();

  enum Transport { HTTP_POST, HTTP_GET, GRAPHQL_WS }

  record Bomb(String name, String query, String key) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * {@code operation { ...F0 }} where each of {@code levels} fragments spreads the next one {@code spreads} times,
   * down to {@code leaf}: spreads^levels leaves from a document of a kilobyte or so.
   */
  static String spreading(String operation, String type, int levels, int spreads, String leaf) {
    StringBuilder b = new StringBuilder(operation).append(" { ...F0 }");
    b.append(fragments(type, levels, spreads, leaf));
    return b.toString();
  }

  static String fragments(String type, int levels, int spreads, String leaf) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < levels; i++) {
      b.append(" fragment F").append(i).append(" on ").append(type).append(" {");
      for (int j = 0; j < spreads; j++) {
        b.append(" ...F").append(i + 1);
      }
      b.append(" }");
    }
    return b.append(" fragment F").append(levels).append(" on ").append(type).append(" { ").append(leaf).append(" }")
        .toString();
  }

  /** A chain F0 -> F1 -> ... -> F{length}: one field, but graphql-java's validation is cubic in the chain. */
  static String chain(int length) {
    StringBuilder b = new StringBuilder("query { ...F0 }");
    for (int i = 0; i < length; i++) {
      b.append(" fragment F").append(i).append(" on Query { ...F").append(i + 1).append(" }");
    }
    return b.append(" fragment F").append(length).append(" on Query { __typename }").toString();
  }

  /** {@code fields} same-named fields each spreading a fragment of {@code width} fields: quadratic field merging. */
  static String spreadsUnderFields(int fields, int width) {
    StringBuilder b = new StringBuilder("query {");
    for (int i = 0; i < fields; i++) {
      b.append(" history(channel: \"c\") { ...W }");
    }
    b.append(" } fragment W on Message {");
    for (int i = 0; i < width; i++) {
      b.append(" offset");
    }
    return b.append(" }").toString();
  }

  static List<Bomb> bombs() {
    String fields = "graphql.max_fields";
    return List.of(
        new Bomb("2^30 __typename (31 fragments)", spreading("query", "Query", 30, 2, "__typename"),
            "graphql.max_fragment_depth"),
        new Bomb("10^9 __typename (10 fragments deep, 10 spreads each)", spreading("query", "Query", 9, 10, "__typename"), fields),
        new Bomb("10^9 skipped fields", spreading("query", "Query", 9, 10, "__typename @skip(if: true)"), fields),
        new Bomb("10^9 fields under a field", "query { history(channel: \"c\") { ...F0 } }"
            + fragments("Message", 9, 10, "offset"), fields),
        new Bomb("10^9 introspection fields", spreading("query", "Query", 9, 10, "__schema { queryType { name } }"),
            fields),
        new Bomb("10^9 fields inside __schema", "query { __schema { types { ...F0 } } }"
            + fragments("__Type", 9, 10, "name"), "introspection over 500 fields"),
        new Bomb("10^9 publishes", spreading("mutation", "Mutation", 9, 10, "publish(channel: \"c\", data: 1) { offset }"),
            fields),
        new Bomb("10^9 in a subscription", spreading("subscription", "Subscription", 9, 10,
            "messages(channel: \"c\") { offset }"), fields),
        new Bomb("a chain of 1000 fragments", chain(1000), "graphql.max_fragment_depth"),
        new Bomb("600 fields spreading 7000 fields", spreadsUnderFields(600, 7000), fields));
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Bomb bomb : bombs()) {
      for (Transport t : Transport.values()) {
        // A GET request line holds 4 KB (longer: 414 before GraphQL sees it); mutations need POST. A WebSocket
        // message holds ws.max_frame_bytes (64 KiB; longer: closed with 1009 before GraphQL sees it).
        boolean getFits = bomb.query().length() < 2_000 && !bomb.query().startsWith("mutation");
        boolean wsFits = bomb.query().length() < 60_000;
        if ((t != Transport.HTTP_GET || getFits) && (t != Transport.GRAPHQL_WS || wsFits)) {
          cases.add(Arguments.of(bomb, t));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("cases")
  void refusedWithinMillisecondsWhileTheNodeServes(Bomb bomb, Transport transport) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();
    long start = System.nanoTime();
    JsonObject error = switch (transport) {
      case HTTP_POST -> onlyError(post(http, bomb.query()).getJsonArray("errors"));
      case HTTP_GET -> onlyError(get(http, bomb.query()).getJsonArray("errors"));
      case GRAPHQL_WS -> {
        try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
          client.subscribe("bomb", bomb.query());
          yield onlyError(client.expect("error", "bomb").getJsonArray("payload"));
        }
      }
    };
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(code(error)).as("%s", error).isEqualTo("limit_exceeded");
    assertThat(error.getString("message")).contains(bomb.key());
    assertThat(took).as("answered within").isLessThan(ANSWER_WITHIN);
    HttpResponse<String> live = http.send(HttpRequest.newBuilder(uri("/health/live")).timeout(ANSWER_WITHIN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(live.statusCode()).as("the node serves on").isEqualTo(200);
  }

  private static JsonObject post(HttpClient http, String query) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri("/graphql")).timeout(ANSWER_WITHIN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("query", query).encode())).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static JsonObject get(HttpClient http, String query) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri("/graphql?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
        .timeout(ANSWER_WITHIN).GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + node.port() + path);
  }
}
