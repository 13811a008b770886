package io.herald.node.delivery;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.SseClient;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The namespace option {@code max_rate} (conflation, docs/protocol.md): a burst published faster than the rate reaches
 * each subscriber as fewer messages, always ending with the latest, each saying how many it passed over
 * ({@code skipped}) so that skipped and delivered together account for every offset; on /ws, server-sent events and
 * GraphQL. A namespace without the option delivers every message.
 */
class ConflationTest {

  private static final int BURST = 10;

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults()
      .namespaces(new JsonObject().put("ticker", new JsonObject().put("max_rate", 1)));

  private static final AtomicInteger names = new AtomicInteger();

  private static String channel(String namespace) {
    return namespace + ":c" + names.incrementAndGet();
  }

  /** Publishes {@code BURST} messages to {@code channel} in one request: they arrive together, well within a second. */
  private static void burst(String channel) {
    JsonArray messages = new JsonArray();
    for (int n = 1; n <= BURST; n++) {
      messages.add(new JsonObject().put("channel", channel).put("data", n));
    }
    assertThat(node.http().post("/api/publish", new JsonObject().put("messages", messages)).status()).isEqualTo(200);
  }

  /** Reads deliveries ({offset, skipped, data}) until the burst's last; checks they account for every offset once. */
  private static List<JsonObject> untilLatest(Supplier<JsonObject> next) {
    List<JsonObject> got = new ArrayList<>();
    long accounted = 0;
    while (accounted < BURST) {
      JsonObject m = next.get();
      long skipped = m.getLong("skipped", 0L);
      assertThat(m.getLong("offset")).as("offset after %s skipped of %s", skipped, got).isEqualTo(accounted + skipped + 1);
      assertThat(((Number) m.getValue("data")).longValue()).isEqualTo(m.getLong("offset"));
      accounted = m.getLong("offset");
      got.add(m);
    }
    assertThat(got.size()).as("deliveries of a burst of %s at max_rate 1", BURST).isLessThan(BURST);
    return got;
  }

  @Test
  void wsSubscriberGetsTheLatestWithHowManyItPassedOver() {
    String channel = channel("ticker");
    try (WsClient client = node.connect()) {
      client.subscribe(1, channel);
      burst(channel);
      List<JsonObject> got = untilLatest(() -> client.next("message"));
      assertThat(got.get(0).containsKey("skipped")).as("the first goes out at once, whole").isFalse();
      assertThat(got.get(got.size() - 1).getLong("skipped")).isPositive();
    }
  }

  @Test
  void sseSubscriberGetsTheLatestWithHowManyItPassedOverAndACursorItCanResumeFrom() {
    String channel = channel("ticker");
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel)) {
      stream.next("connected");
      stream.next("subscribed");
      burst(channel);
      List<JsonObject> got = untilLatest(() -> stream.next("message").json());
      JsonObject last = got.get(got.size() - 1);
      assertThat(stream.lastEventId()).isEqualTo(last.getString("epoch") + ":" + BURST);
    }
  }

  @Test
  void graphqlSubscriberSeesSkippedInItsSelection() {
    String channel = channel("ticker");
    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
      client.subscribe("s", "subscription S($c: String!) { messages(channel: $c) { offset data skipped } }",
          new JsonObject().put("c", channel));
      // The subscription is live once a message published after it arrives.
      node.http().publish(channel("ticker"), 0);
      burst(channel);
      List<JsonObject> got = untilLatest(() -> client.expect("next", "s").getJsonObject("payload")
          .getJsonObject("data").getJsonObject("messages"));
      assertThat(got.get(0).getLong("skipped")).isZero();
    }
  }

  @Test
  void aNamespaceWithoutTheOptionDeliversEveryMessage() {
    String channel = channel("plain");
    try (WsClient client = node.connect()) {
      client.subscribe(1, channel);
      burst(channel);
      for (int n = 1; n <= BURST; n++) {
        JsonObject m = client.next("message");
        assertThat(m.getLong("offset")).isEqualTo(n);
        assertThat(m.containsKey("skipped")).isFalse();
      }
    }
  }
}
