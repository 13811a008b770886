package io.herald.graphql;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.graphql.testing.GraphQLGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.herald.graphql.GraphQLSupport.code;
import static io.herald.graphql.GraphQLSupport.message;
import static io.herald.graphql.GraphQLSupport.messages;
import static io.herald.graphql.GraphQLSupport.meter;
import static io.herald.graphql.GraphQLSupport.onlyError;
import static io.herald.graphql.GraphQLSupport.subscribeLive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code subscription { messages(...) }} over graphql-transport-ws: what each {@code next} carries
 * (exactly the selection, data byte-exact), recovery from a position, its failures, argument errors,
 * the per-connection subscription limit, and the slow-consumer close.
 */
class GraphQLSubscriptionTest {

  static final int MAX_SUBSCRIPTIONS = 2;
  static final int SHORT_HISTORY = 5;

  @RegisterExtension
  static final TestGatewayExtension node = GraphQLGateway
      .withSettings(Map.of("graphql.max_subscriptions", Integer.toString(MAX_SUBSCRIPTIONS)))
      .namespaces(new JsonObject().put("short", new JsonObject().put("history_size", SHORT_HISTORY)));

  private static final AtomicInteger channels = new AtomicInteger();

  private static String freshChannel(String prefix) {
    return prefix + "-" + channels.incrementAndGet();
  }

  private static GraphQLWsClient connect() {
    return GraphQLWsClient.connectAndInit(node.vertx(), node.port());
  }

  private static JsonObject vars(String channel) {
    return new JsonObject().put("c", channel);
  }

  // ---- what a next carries ----

  /**
   * A subscription whose root field's response key is {@code root} and whose selection gives these
   * response keys, in order, each the named Message field.
   */
  record Selection(String name, String query, JsonObject variables, String root, Map<String, String> fields) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Map<String, String> fields(String... keyThenField) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < keyThenField.length; i += 2) {
      fields.put(keyThenField[i], keyThenField[i + 1]);
    }
    return fields;
  }

  static Stream<Arguments> selections() {
    String head = "subscription S($c: String!) { messages(channel: $c) ";
    return Stream.of(
        new Selection("one field", head + "{ offset } }", null, "messages", fields("offset", "offset")),
        new Selection("every field", head + "{ channel epoch offset data ts } }", null, "messages",
            fields("channel", "channel", "epoch", "epoch", "offset", "offset", "data", "data", "ts", "ts")),
        new Selection("selection order kept", head + "{ ts data offset } }", null, "messages",
            fields("ts", "ts", "data", "data", "offset", "offset")),
        new Selection("__typename", head + "{ __typename offset } }", null, "messages",
            fields("__typename", "__typename", "offset", "offset")),
        new Selection("aliases", "subscription S($c: String!) { feed: messages(channel: $c) { n: offset body: data where: channel } }",
            null, "feed", fields("n", "offset", "body", "data", "where", "channel")),
        new Selection("same field twice under two aliases", head + "{ offset again: offset } }", null, "messages",
            fields("offset", "offset", "again", "offset")),
        new Selection("named fragment", head + "{ ...Brief epoch } } fragment Brief on Message { offset data }", null,
            "messages", fields("offset", "offset", "data", "data", "epoch", "epoch")),
        new Selection("nested named fragments", head + "{ ...Outer } } fragment Outer on Message { ...Inner ts } "
            + "fragment Inner on Message { channel }", null, "messages", fields("channel", "channel", "ts", "ts")),
        new Selection("inline fragment", head + "{ offset ... on Message { data } ... { epoch } } }", null, "messages",
            fields("offset", "offset", "data", "data", "epoch", "epoch")),
        new Selection("@include true and @skip false", "subscription S($c: String!, $with: Boolean!, $without: Boolean!) "
            + "{ messages(channel: $c) { offset data @include(if: $with) ts @skip(if: $without) } }",
            new JsonObject().put("with", true).put("without", false), "messages",
            fields("offset", "offset", "data", "data", "ts", "ts")),
        new Selection("@include false and @skip true", "subscription S($c: String!, $with: Boolean!, $without: Boolean!) "
            + "{ messages(channel: $c) { offset data @include(if: $with) ts @skip(if: $without) } }",
            new JsonObject().put("with", false).put("without", true), "messages", fields("offset", "offset")),
        new Selection("directives on fragments", "subscription S($c: String!, $yes: Boolean!) { messages(channel: $c) "
            + "{ offset ...F @skip(if: $yes) ... on Message @include(if: $yes) { epoch } } } fragment F on Message { data }",
            new JsonObject().put("yes", true), "messages", fields("offset", "offset", "epoch", "epoch")),
        new Selection("variable default values in directives", "subscription S($c: String!, $with: Boolean = true, "
            + "$without: Boolean = false) { messages(channel: $c) { offset data @include(if: $with) ts @skip(if: $without) } }",
            null, "messages", fields("offset", "offset", "data", "data", "ts", "ts")),
        new Selection("root field in an inline fragment", "subscription S($c: String!) { ... on Subscription "
            + "{ messages(channel: $c) { offset } } }", null, "messages", fields("offset", "offset")),
        new Selection("root field in a named fragment", "subscription S($c: String!) { ...Root } "
            + "fragment Root on Subscription { feed: messages(channel: $c) { offset data } }", null, "feed",
            fields("offset", "offset", "data", "data")),
        new Selection("literal directive conditions", head + "{ offset data @include(if: false) channel @skip(if: false) } }",
            null, "messages", fields("offset", "offset", "channel", "channel")))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selections")
  void nextCarriesExactlyTheSelectedFields(Selection selection) {
    String channel = freshChannel("shape");
    JsonObject variables = vars(channel);
    if (selection.variables() != null) {
      variables.mergeIn(selection.variables());
    }
    JsonObject data = new JsonObject().put("text", "hello").put("list", new JsonArray().add(1).add(2));
    try (GraphQLWsClient client = connect()) {
      subscribeLive(node, client, "s", selection.query(), variables);

      long before = System.currentTimeMillis();
      JsonObject published = node.http().publish(channel, data);
      long after = System.currentTimeMillis();
      String raw = client.nextText();

      JsonObject next = new JsonObject(raw);
      assertThat(next.fieldNames()).containsExactly("id", "type", "payload");
      assertThat(next.getString("id")).isEqualTo("s");
      assertThat(next.getString("type")).isEqualTo("next");
      assertThat(next.getJsonObject("payload").fieldNames()).containsExactly("data");
      JsonObject result = next.getJsonObject("payload").getJsonObject("data");
      assertThat(result.fieldNames()).containsExactly(selection.root());
      JsonObject m = result.getJsonObject(selection.root());
      assertThat(new ArrayList<>(m.fieldNames())).as("response keys, in order").isEqualTo(List.copyOf(selection.fields().keySet()));
      selection.fields().forEach((key, field) -> {
        Object value = m.getValue(key);
        switch (field) {
          case "channel" -> assertThat(value).isEqualTo(channel);
          case "epoch" -> assertThat(value).isEqualTo(published.getString("epoch"));
          case "offset" -> assertThat(value).isEqualTo(published.getInteger("offset"));
          case "data" -> assertThat(value).isEqualTo(data);
          case "__typename" -> assertThat(value).isEqualTo("Message");
          case "ts" -> {
            assertThat(raw).as("ts is written as an integer").containsPattern("\"" + key + "\":\\d+[,}]");
            assertThat(m.getLong(key)).isBetween(before - 1_000, after + 1_000);
          }
          default -> throw new AssertionError("unknown field " + field);
        }
      });
      assertThat(client.framesUntilPong()).as("one next per message").isEmpty();
    }
  }

  @Test
  void dataIsTheExactTextThePublisherSent() {
    String channel = freshChannel("exact");
    // Spellings a re-encoder would change: whitespace, 1.10, 1E2, -0.0, a big integer, escapes, non-BMP text.
    String data = "{ \"price\" : 1.10, \"sci\":1E2,\"neg\": -0.0 , \"big\":123456789012345678901234567890,"
        + "\"esc\":\"q\\\"b\\\\s\\u0041\\n\",\"text\":\"héllo 世界 🎉\",\n\t\"list\":[ 1 , 2.50 ,null,true ] }";
    try (GraphQLWsClient client = connect()) {
      subscribeLive(node, client, "exact", messages(channel, "data"), null);
      subscribeLive(node, client, "both", messages(channel, "offset data"), null);

      HttpApiClient.Response published = node.http().post("/api/publish",
          Buffer.buffer("{\"channel\":\"" + channel + "\",\"data\":" + data + "}"), null);
      assertThat(published.status()).isEqualTo(200);

      List<String> frames = List.of(client.nextText(), client.nextText());
      assertThat(frames).containsExactlyInAnyOrder(
          "{\"id\":\"exact\",\"type\":\"next\",\"payload\":{\"data\":{\"messages\":{\"data\":" + data + "}}}}",
          "{\"id\":\"both\",\"type\":\"next\",\"payload\":{\"data\":{\"messages\":{\"offset\":1,\"data\":" + data + "}}}}");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scalarData")
  void dataOfEveryJsonTypeArrivesUnchanged(String kind, String data) {
    String channel = freshChannel("types");
    try (GraphQLWsClient client = connect()) {
      subscribeLive(node, client, "t", messages(channel, "data"), null);
      node.http().post("/api/publish", Buffer.buffer("{\"channel\":\"" + channel + "\",\"data\":" + data + "}"), null);

      assertThat(client.nextText())
          .isEqualTo("{\"id\":\"t\",\"type\":\"next\",\"payload\":{\"data\":{\"messages\":{\"data\":" + data + "}}}}");
    }
  }

  static Stream<Arguments> scalarData() {
    return Stream.of(
        Arguments.of("string", "\"just text\""),
        Arguments.of("number", "-12.50"),
        Arguments.of("array", "[1,[2],{\"a\":null}]"),
        Arguments.of("true", "true"),
        Arguments.of("null", "null"));
  }

  // ---- recovery ----

  @Test
  void sinceOffsetAndEpochReplayTheMissedMessagesThenLiveOnes() {
    String channel = freshChannel("recover");
    String epoch = publishNumbered(channel, 3);
    try (GraphQLWsClient client = connect()) {
      client.subscribe("r", "subscription R($c: String!, $since: Long, $epoch: String) "
          + "{ messages(channel: $c, sinceOffset: $since, epoch: $epoch) { offset epoch data } }",
          vars(channel).put("since", 1).put("epoch", epoch));

      for (long n = 2; n <= 3; n++) {
        JsonObject m = message(client.expect("next", "r"));
        assertThat(m.getLong("offset")).isEqualTo(n);
        assertThat(m.getString("epoch")).isEqualTo(epoch);
        assertThat(m.getJsonObject("data").getLong("n")).isEqualTo(n);
      }
      // The replay is done: the subscription is live.
      node.http().publish(channel, new JsonObject().put("n", 4));
      assertThat(message(client.expect("next", "r")).getLong("offset")).isEqualTo(4);
      assertThat(client.framesUntilPong()).as("no duplicates, no recovery error").isEmpty();
    }
  }

  @Test
  void sinceOffsetAndEpochAsLiteralsWork() {
    String channel = freshChannel("recover-lit");
    String epoch = publishNumbered(channel, 2);
    try (GraphQLWsClient client = connect()) {
      client.subscribe("r", "subscription { messages(channel: \"" + channel + "\", sinceOffset: 0, epoch: \"" + epoch
          + "\") { offset } }");

      assertThat(message(client.expect("next", "r")).getLong("offset")).isEqualTo(1);
      assertThat(message(client.expect("next", "r")).getLong("offset")).isEqualTo(2);
      node.http().publish(channel, 3);
      assertThat(message(client.expect("next", "r")).getLong("offset")).isEqualTo(3);
    }
  }

  @Test
  void sinceTheLatestOffsetReplaysNothingAndGoesLive() {
    String channel = freshChannel("recover-latest");
    String epoch = publishNumbered(channel, 2);
    try (GraphQLWsClient client = connect()) {
      subscribeLive(node, client, "r", recoverQuery(channel, 2, epoch), null);
      assertThat(client.framesUntilPong()).isEmpty();

      node.http().publish(channel, 3);
      assertThat(message(client.expect("next", "r")).getLong("offset")).isEqualTo(3);
    }
  }

  @Test
  void variableDefaultValuesApplyToTheArguments() {
    String channel = freshChannel("defaults");
    String epoch = publishNumbered(channel, 2);
    try (GraphQLWsClient client = connect()) {
      client.subscribe("d", "subscription S($c: String = \"" + channel + "\", $since: Long = 1, $epoch: String = \""
          + epoch + "\") { messages(channel: $c, sinceOffset: $since, epoch: $epoch) { offset } }");

      assertThat(client.next()).as("offset 2, replayed from the default position")
          .isEqualTo(new JsonObject("{\"id\":\"d\",\"type\":\"next\",\"payload\":{\"data\":{\"messages\":{\"offset\":2}}}}"));
      node.http().publish(channel, 3);
      assertThat(message(client.expect("next", "d")).getLong("offset")).isEqualTo(3);
    }
  }

  @Test
  void resumingAfterADisconnectWhileMessagesKeepComingIsGaplessWithoutDuplicates() throws Exception {
    String channel = freshChannel("resume");
    int firstHalf = 100;
    int total = 200;
    int readBeforeDrop = 50;
    CountDownLatch resubscribing = new CountDownLatch(1);
    List<Long> received = new ArrayList<>();
    String epoch;
    CompletableFuture<Void> publisher;
    try (GraphQLWsClient first = connect()) {
      subscribeLive(node, first, "live", messages(channel, "offset epoch"), null);
      HttpApiClient http = node.newHttp();
      // Publishes the first half, then the second half while the second client resubscribes.
      publisher = CompletableFuture.runAsync(() -> {
        for (int n = 1; n <= total; n++) {
          if (n == firstHalf + 1) {
            awaitLatch(resubscribing);
          }
          http.publish(channel, new JsonObject().put("n", n));
        }
      });
      JsonObject m = null;
      while (received.size() < readBeforeDrop) {
        m = message(first.expect("next", "live"));
        received.add(m.getLong("offset"));
      }
      epoch = m.getString("epoch");
    }
    long last = received.get(received.size() - 1);

    try (GraphQLWsClient second = connect()) {
      resubscribing.countDown();
      second.subscribe("resumed", recoverQuery(channel, last, epoch));
      while (received.get(received.size() - 1) < total) {
        JsonObject next = second.expect("next", "resumed");
        assertThat(next.getJsonObject("payload").containsKey("errors")).as("recovered: %s", next).isFalse();
        received.add(message(next).getLong("offset"));
      }
      publisher.get(30, TimeUnit.SECONDS);
      assertThat(second.framesUntilPong()).as("nothing after the last message").isEmpty();
    }
    assertThat(received).as("every offset once, in order").containsExactlyElementsOf(
        LongStream.rangeClosed(1, total).boxed().toList());
  }

  /** A position history cannot serve, for a channel with messages already published. */
  record LostPosition(String name, String namespace, int published, BiFunction<String, Long, String[]> since) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> lostPositions() {
    return Stream.of(
        new LostPosition("epoch differs", "lost", 3, (epoch, latest) -> new String[] {"1", "not-" + epoch}),
        new LostPosition("history trimmed by size", "short:lost", SHORT_HISTORY * 2,
            (epoch, latest) -> new String[] {"2", epoch}),
        new LostPosition("offset beyond the latest", "lost", 3,
            (epoch, latest) -> new String[] {Long.toString(latest + 5), epoch}))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lostPositions")
  void positionHistoryCannotServeGivesRecoveryFailedThenLiveMessages(LostPosition lost) {
    String channel = freshChannel(lost.namespace());
    String epoch = publishNumbered(channel, lost.published());
    long latest = lost.published();
    String[] since = lost.since().apply(epoch, latest);
    try (GraphQLWsClient client = connect()) {
      client.subscribe("r", "subscription R($c: String!, $since: Long, $epoch: String) "
          + "{ messages(channel: $c, sinceOffset: $since, epoch: $epoch) { offset } }",
          vars(channel).put("since", Long.parseLong(since[0])).put("epoch", since[1]));

      JsonObject failed = client.expect("next", "r");
      JsonObject payload = failed.getJsonObject("payload");
      assertThat(payload.fieldNames()).containsExactly("errors");
      JsonObject error = onlyError(payload.getJsonArray("errors"));
      assertThat(error.getString("message")).isNotBlank();
      assertThat(error.getJsonObject("extensions")).isEqualTo(new JsonObject()
          .put("code", "recovery_failed").put("epoch", epoch).put("offset", latest));

      node.http().publish(channel, "after");
      assertThat(message(client.expect("next", "r")).getLong("offset")).isEqualTo(latest + 1);
      assertThat(client.framesUntilPong()).as("nothing older than the latest offset").isEmpty();
    }
  }

  // ---- argument errors and limits ----

  static Stream<Arguments> badArguments() {
    return Stream.of(
        Arguments.of("sinceOffset without epoch", "sinceOffset: 1", "bad_request"),
        Arguments.of("epoch without sinceOffset", "epoch: \"e\"", "bad_request"),
        Arguments.of("negative sinceOffset", "sinceOffset: -1, epoch: \"e\"", "bad_request"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badArguments")
  void incompletePositionIsAnErrorMessage(String name, String arguments, String code) {
    assertSubscribeError("subscription { messages(channel: \"pos-args\", " + arguments + ") { offset } }", code);
  }

  static Stream<Arguments> invalidChannels() {
    return Stream.of(
        Arguments.of("a space", "bad channel"),
        Arguments.of("a slash", "a/b"),
        Arguments.of("empty", ""),
        Arguments.of("256 characters", "c".repeat(256)));
  }

  @Test
  void skippedRootFieldIsAnErrorMessage() {
    try (GraphQLWsClient client = connect()) {
      client.subscribe("skip", "subscription { messages(channel: \"c\") @skip(if: true) { offset } }");

      assertThat(client.expect("error", "skip").getJsonArray("payload")).isNotEmpty();
      assertThat(client.framesUntilPong()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidChannels")
  void invalidChannelNameIsAnErrorMessage(String name, String channel) {
    assertSubscribeError("subscription { messages(channel: \"" + channel + "\") { offset } }", "invalid_channel");
  }

  /** Subscribing with {@code query} gets an error message with {@code code}; the connection serves on. */
  private static void assertSubscribeError(String query, String code) {
    try (GraphQLWsClient client = connect()) {
      client.subscribe("e", query);

      JsonObject error = client.expect("error", "e");
      assertThat(error.fieldNames()).containsExactlyInAnyOrder("id", "type", "payload");
      JsonObject only = onlyError(error.getJsonArray("payload"));
      assertThat(code(only)).isEqualTo(code);
      assertThat(only.getString("message")).isNotBlank();
      assertThat(client.framesUntilPong()).as("no complete after an error").isEmpty();

      String channel = freshChannel("after-error");
      subscribeLive(node, client, "e", messages(channel, "offset"), null);
      node.http().publish(channel, 1);
      assertThat(message(client.expect("next", "e")).getLong("offset")).isEqualTo(1);
    }
  }

  @Test
  void subscriptionsOverTheLimitGetLimitExceededAndCompletingOneMakesRoom() {
    String channel = freshChannel("many");
    try (GraphQLWsClient client = connect()) {
      for (int i = 1; i <= MAX_SUBSCRIPTIONS; i++) {
        subscribeLive(node, client, "s" + i, messages(channel, "offset"), null);
      }
      client.subscribe("over", messages(channel, "offset"));

      JsonObject error = onlyError(client.expect("error", "over").getJsonArray("payload"));
      assertThat(code(error)).isEqualTo("limit_exceeded");
      assertThat(error.getString("message")).contains("graphql.max_subscriptions");

      client.subscribe("query-still-runs", "{ channels(prefix: \"" + channel + "\") { name subscribers } }");
      assertThat(client.expect("next", "query-still-runs").getJsonObject("payload").getJsonObject("data")
          .getJsonArray("channels")).as("queries are not subscriptions")
          .containsExactly(new JsonObject().put("name", channel).put("subscribers", 1));
      client.expect("complete", "query-still-runs");

      client.complete("s1");
      subscribeLive(node, client, "s3", messages(channel, "offset"), null);
      node.http().publish(channel, 1);
      List<String> ids = List.of(client.expect("next").getString("id"), client.expect("next").getString("id"));
      assertThat(ids).containsExactlyInAnyOrder("s2", "s3");
      assertThat(client.framesUntilPong()).isEmpty();
    }
    try (GraphQLWsClient other = connect()) {
      subscribeLive(node, other, "elsewhere", messages(channel, "offset"), null);
      assertThat(other.framesUntilPong()).as("the limit is per connection").isEmpty();
    }
  }

  // ---- slow consumer ----

  @Test
  void subscriberThatStopsReadingIsClosedWith4008AndOthersGetEverything() throws Exception {
    String channel = freshChannel("firehose");
    int messages = 1_000;
    String padding = "x".repeat(30_000); // about 30 MB in all
    double slowClosesBefore = meter(node.http(), "herald_slow_consumer_closes_total", 0);
    try (GraphQLWsClient good = connect();
         RawWebSocket stalled = RawWebSocket.connect(node.port(), GraphQLWsClient.PATH, GraphQLWsClient.SUBPROTOCOL, 16 * 1024)) {
      stalled.send(new JsonObject().put("type", "connection_init"));
      stalled.next("connection_ack");
      double setups = meter(node.http(), GraphQLSupport.SETUP_COUNT, 0);
      stalled.send(GraphQLWsClient.subscribeMessage("slow", messages(channel, "offset data"), null));
      await().atMost(Duration.ofSeconds(10)).until(() -> meter(node.http(), GraphQLSupport.SETUP_COUNT, 0) >= setups + 1);
      subscribeLive(node, good, "good", messages(channel, "offset data"), null);

      // From here on the stalled client reads nothing while tens of MB go to the channel.
      HttpApiClient http = node.newHttp();
      CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
        for (int n = 1; n <= messages; n++) {
          http.publish(channel, new JsonObject().put("n", n).put("pad", padding));
        }
      });
      await().atMost(Duration.ofSeconds(30))
          .until(() -> meter(node.http(), "herald_slow_consumer_closes_total", 0) >= slowClosesBefore + 1);

      // Reading again, the stalled client finds what was queued before the overflow, in order, then the close.
      long read = 0;
      RawWebSocket.Frame frame = stalled.readFrame();
      while (frame.opcode() == RawWebSocket.TEXT) {
        JsonObject next = frame.json();
        assertThat(next.getString("id")).isEqualTo("slow");
        assertThat(message(next).getLong("offset")).isEqualTo(++read);
        frame = stalled.readFrame();
      }
      assertThat(frame.opcode()).isEqualTo(RawWebSocket.CLOSE);
      assertThat(frame.closeCode()).isEqualTo(4008);
      assertThat(read).as("messages the stalled client got").isLessThan(messages);

      publisher.get(60, TimeUnit.SECONDS);
      for (long n = 1; n <= messages; n++) {
        JsonObject m = message(good.expect("next", "good"));
        assertThat(m.getLong("offset")).isEqualTo(n);
        assertThat(m.getJsonObject("data").getLong("n")).isEqualTo(n);
      }
      assertThat(good.framesUntilPong()).isEmpty();
      assertThat(good.isClosed()).isFalse();
    }
  }

  // ---- helpers ----

  /** Publishes {@code {"n": 1..count}} to {@code channel} and returns its epoch. */
  private static String publishNumbered(String channel, int count) {
    String epoch = null;
    for (int n = 1; n <= count; n++) {
      JsonObject published = node.http().publish(channel, new JsonObject().put("n", n));
      assertThat(published.getLong("offset")).isEqualTo(n);
      epoch = published.getString("epoch");
    }
    return epoch;
  }

  private static String recoverQuery(String channel, long since, String epoch) {
    return "subscription { messages(channel: \"" + channel + "\", sinceOffset: " + since + ", epoch: \"" + epoch
        + "\") { offset } }";
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("nobody resubscribed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
