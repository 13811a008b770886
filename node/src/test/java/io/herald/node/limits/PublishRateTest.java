package io.herald.node.limits;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ws.publish_rate / ws.publish_burst / ws.publish_max_rejections: a connection publishing faster than its
 * token bucket allows gets {@code rate_limited} and stays open; one that keeps going is closed with 1008.
 * The bucket starts full, so the first {@link #BURST} publishes always pass; at 1 token a second the
 * following ones cannot all be refilled in time, however loaded the machine (no timing is asserted).
 */
class PublishRateTest {

  private static final int BURST = 5;
  /** Publishes sent past the burst; at most one a second is refilled while they are sent. */
  private static final int EXTRA = 10;
  private static final short POLICY = 1008;

  /** Rejections never close here. */
  @RegisterExtension
  static final NodeExtension lenient = NodeExtension.withSettings(Map.of("ws.publish_rate", "1",
      "ws.publish_burst", Integer.toString(BURST), "ws.publish_max_rejections", "1000"));
  /** More than 3 rejections within 10 s close the connection. */
  @RegisterExtension
  static final NodeExtension strict = NodeExtension.withSettings(Map.of("ws.publish_rate", "1",
      "ws.publish_burst", Integer.toString(BURST), "ws.publish_max_rejections", "3"));

  private static JsonObject publish(int id, String channel) {
    return new JsonObject().put("type", "publish").put("id", id).put("channel", channel).put("data", id);
  }

  /** Sends {@code n} publishes without waiting and returns the replies by id. */
  private static Map<Integer, JsonObject> publishBurst(WsClient client, String channel, int n) {
    for (int id = 1; id <= n; id++) {
      client.send(publish(id, channel));
    }
    Map<Integer, JsonObject> replies = new HashMap<>();
    while (replies.size() < n) {
      JsonObject reply = client.next();
      replies.put(reply.getInteger("id"), reply);
    }
    return replies;
  }

  /** Sends {@code n} requests, stopping early once the server has closed the connection (a write then fails). */
  private static void sendUntilClosed(int n, IntConsumer send) {
    for (int i = 1; i <= n; i++) {
      try {
        send.accept(i);
      } catch (IllegalStateException closed) {
        return;
      }
    }
  }

  @Test
  void publishesOverTheRateAreRateLimitedAndTheConnectionStaysOpen() {
    try (WsClient client = lenient.connect(); WsClient other = lenient.connect()) {
      Map<Integer, JsonObject> replies = publishBurst(client, "rate-1", BURST + EXTRA);

      for (int id = 1; id <= BURST; id++) {
        assertThat(replies.get(id).getString("type")).as("publish %d, within the burst", id).isEqualTo("published");
      }
      long limited = replies.values().stream().filter(r -> "error".equals(r.getString("type"))).peek(r -> {
        assertThat(r.getString("code")).isEqualTo("rate_limited");
        assertThat(r.getString("message")).contains("ws.publish_rate");
      }).count();
      assertThat(limited).as("publishes refused").isPositive();
      assertThat(replies.values()).allSatisfy(r -> assertThat(r.getString("type")).isIn("published", "error"));

      assertThat(client.framesUntilPong(99)).isEmpty();
      assertThat(client.subscribe(100, "rate-1").getString("type")).as("other requests are not limited").isEqualTo("subscribed");
      assertThat(other.request(publish(1, "rate-1")).getString("type")).as("the bucket is per connection").isEqualTo("published");
    }
  }

  @Test
  void aClientThatKeepsPublishingPastTheRejectionsIsClosedWith1008() {
    double before = Metrics.value(strict.http(), "herald_limits_triggered_total{limit=\"publish_rate_close\"}");
    try (WsClient client = strict.connect(); WsClient bystander = strict.connect()) {
      sendUntilClosed(BURST + EXTRA, id -> client.send(publish(id, "rate-2")));
      assertThat(client.awaitClose()).isEqualTo(POLICY);
      assertThat(bystander.request(publish(1, "rate-2")).getString("type")).isEqualTo("published");
    }
    assertThat(Metrics.value(strict.http(), "herald_limits_triggered_total{limit=\"publish_rate_close\"}"))
        .isEqualTo(before + 1);
  }

  /**
   * A mutation takes a token per publish it selects, fragments and aliases expanded: with 5 tokens a mutation of 3
   * publishes runs once, and the second is refused; one of 6 is refused at once.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "three publishes in a fragment | 3 | mutation { ...P } fragment P on Mutation { a: publish(channel: \"rate-4\", data: 1) { offset } b: publish(channel: \"rate-4\", data: 2) { offset } c: publish(channel: \"rate-4\", data: 3) { offset } }",
      "three publishes in an inline fragment | 3 | mutation { ... on Mutation { a: publish(channel: \"rate-4\", data: 1) { offset } b: publish(channel: \"rate-4\", data: 2) { offset } c: publish(channel: \"rate-4\", data: 3) { offset } } }",
      "a fragment of three spread twice | 6 | mutation { ...P ...Q } fragment Q on Mutation { ...P } fragment P on Mutation { a: publish(channel: \"rate-4\", data: 1) { offset } b: publish(channel: \"rate-4\", data: 2) { offset } c: publish(channel: \"rate-4\", data: 3) { offset } }"})
  void graphQLMutationsTakeATokenPerPublishField(String name, int cost, String mutation) {
    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(lenient.vertx(), lenient.port())) {
      for (int i = 1; cost * i <= BURST; i++) {
        client.subscribe("ok" + i, mutation);
        assertThat(client.expect("next", "ok" + i).getJsonObject("payload").containsKey("errors")).isFalse();
        client.expect("complete", "ok" + i);
      }
      client.subscribe("over", mutation);
      JsonObject error = client.expect("error", "over").getJsonArray("payload").getJsonObject(0);
      assertThat(error.getJsonObject("extensions").getString("code")).isEqualTo("rate_limited");
    }
  }

  @Test
  void graphQLMutationsOverTheSocketShareTheLimit() {
    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(lenient.vertx(), lenient.port())) {
      for (int i = 1; i <= BURST + EXTRA; i++) {
        client.subscribe("m" + i, "mutation { publish(channel: \"rate-3\", data: " + i + ") { offset } }");
      }
      int next = 0;
      int complete = 0;
      int limited = 0;
      while (complete + limited < BURST + EXTRA) {
        JsonObject message = client.next();
        switch (message.getString("type")) {
          case "next" -> next++;
          case "complete" -> complete++;
          case "error" -> {
            JsonObject error = message.getJsonArray("payload").getJsonObject(0);
            assertThat(error.getJsonObject("extensions").getString("code")).isEqualTo("rate_limited");
            limited++;
          }
          default -> throw new AssertionError("unexpected " + message);
        }
      }
      assertThat(next).isEqualTo(complete).isGreaterThanOrEqualTo(BURST);
      assertThat(limited).isPositive();
      assertThat(client.framesUntilPong()).isEmpty();
    }
  }

  @Test
  void aGraphQLClientThatKeepsGoingIsClosedWith1008() {
    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(strict.vertx(), strict.port())) {
      sendUntilClosed(BURST + EXTRA,
          i -> client.subscribe("m" + i, "mutation { publish(channel: \"rate-4\", data: " + i + ") { offset } }"));
      assertThat(client.awaitClose()).isEqualTo(POLICY);
    }
  }
}
