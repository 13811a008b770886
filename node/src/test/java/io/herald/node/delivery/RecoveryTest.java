package io.herald.node.delivery;

import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resuming a subscription with {@code since}: the missed messages exactly once and in order, also
 * while messages keep arriving, and {@code recovery_failed} when history no longer holds the position.
 */
class RecoveryTest {

  /** Namespace whose history keeps only 5 messages. */
  static final String SMALL = "small";
  /** Namespace whose history outlasts everything a test publishes. */
  static final String LARGE = "large";
  static final int LARGE_HISTORY = 20_000;

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults().namespaces(new JsonObject()
      .put(SMALL, new JsonObject().put("history_size", 5))
      .put(LARGE, new JsonObject().put("history_size", LARGE_HISTORY)));

  @Test
  void reconnectWithSinceReplaysTheMissedMessagesThenLiveOnes() {
    String channel = "recover-missed";
    String epoch;
    try (WsClient client = node.connect()) {
      JsonObject subscribed = client.subscribe(1, channel);
      assertThat(subscribed.containsKey("recovered")).as("no recovered field without since").isFalse();
      epoch = subscribed.getString("epoch");
      publish(channel, 1, 3);
      assertMessages(client, epoch, 1, 3);
    }
    publish(channel, 4, 7);

    try (WsClient client = node.connect()) {
      JsonObject subscribed = client.request(subscribeSince(2, channel, epoch, 3));
      assertThat(subscribed.getString("type")).isEqualTo("subscribed");
      assertThat(subscribed.getBoolean("recovered")).isTrue();
      assertThat(subscribed.getString("epoch")).isEqualTo(epoch);
      assertThat(subscribed.getLong("offset")).isEqualTo(7);
      assertMessages(client, epoch, 4, 7);
      publish(channel, 8, 9);
      assertMessages(client, epoch, 8, 9);
    }
  }

  @Test
  void reconnectsWhileMessagesKeepArrivingMissNothingAndRepeatNothing() throws Exception {
    String channel = LARGE + ":continuous";
    int reconnects = 6;
    int readPerConnection = 25;
    List<Long> received = new ArrayList<>();

    WsClient client = node.connect();
    String epoch = client.subscribe(1, channel).getString("epoch");
    AtomicBoolean stop = new AtomicBoolean();
    // Publishes data {"n": n} with n = 1, 2, ... until told to stop; returns how many it published.
    CompletableFuture<Long> publisher = CompletableFuture.supplyAsync(() -> {
      long n = 0;
      while (!stop.get() && n < LARGE_HISTORY) {
        n++;
        assertThat(node.http().publish(channel, new JsonObject().put("n", n)).getLong("offset")).isEqualTo(n);
      }
      return n;
    });
    try {
      for (int r = 0; r < reconnects; r++) {
        readInto(client, epoch, readPerConnection, received);
        client.close();
        long last = received.get(received.size() - 1);
        client = node.connect();
        JsonObject subscribed = client.request(subscribeSince(2, channel, epoch, last));
        assertThat(subscribed.getBoolean("recovered")).as("reconnect %d from %d: %s", r, last, subscribed).isTrue();
        assertThat(subscribed.getLong("offset")).isGreaterThanOrEqualTo(last);
      }
    } finally {
      stop.set(true);
    }
    long published = publisher.get(30, TimeUnit.SECONDS);
    assertThat(published).as("the publisher was still running during every reconnect").isLessThan(LARGE_HISTORY);
    try {
      readInto(client, epoch, (int) (published - received.get(received.size() - 1)), received);
    } finally {
      client.close();
    }
    assertThat(received).containsExactlyElementsOf(LongStream.rangeClosed(1, published).boxed().toList());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "wrong epoch,         false, 18",
      "trimmed from history, true,  3",
      "beyond latest,        true, 25",
  })
  void unrecoverablePositionFailsThenSubscribesFromLatest(String name, boolean sameEpoch, long offset) {
    String channel = SMALL + ":" + name.replace(' ', '-');
    String epoch = publish(channel, 1, 20);
    try (WsClient client = node.connect()) {
      client.send(subscribeSince(7, channel, sameEpoch ? epoch : "not-" + epoch, offset));

      JsonObject error = client.next("error");
      assertThat(error.getLong("id")).isEqualTo(7);
      assertThat(error.getString("code")).isEqualTo("recovery_failed");
      assertThat(error.getString("channel")).isEqualTo(channel);

      JsonObject subscribed = client.next("subscribed");
      assertThat(subscribed.getLong("id")).isEqualTo(7);
      assertThat(subscribed.getBoolean("recovered")).isFalse();
      assertThat(subscribed.getString("epoch")).isEqualTo(epoch);
      assertThat(subscribed.getLong("offset")).isEqualTo(20);

      publish(channel, 21, 22);
      assertMessages(client, epoch, 21, 22);
    }
  }

  @Test
  void sinceTheOldestPositionHistoryStillCoversReplaysAllItHolds() {
    String channel = SMALL + ":oldest";
    String epoch = publish(channel, 1, 20); // history holds 16..20
    try (WsClient client = node.connect()) {
      JsonObject subscribed = client.request(subscribeSince(3, channel, epoch, 15));
      assertThat(subscribed.getString("type")).isEqualTo("subscribed");
      assertThat(subscribed.getBoolean("recovered")).isTrue();
      assertMessages(client, epoch, 16, 20);
    }
  }

  @Test
  void sinceTheLatestOffsetRecoversWithNothingToReplay() {
    String channel = "recover-latest";
    String epoch = publish(channel, 1, 4);
    try (WsClient client = node.connect()) {
      JsonObject subscribed = client.request(subscribeSince(4, channel, epoch, 4));
      assertThat(subscribed.getString("type")).isEqualTo("subscribed");
      assertThat(subscribed.getBoolean("recovered")).isTrue();
      assertThat(subscribed.getLong("offset")).isEqualTo(4);
      publish(channel, 5, 5);
      // The first frame after subscribed is the new message: nothing was replayed.
      assertMessages(client, epoch, 5, 5);
    }
  }

  private static JsonObject subscribeSince(int id, String channel, String epoch, long offset) {
    return new JsonObject().put("type", "subscribe").put("id", id).put("channel", channel)
        .put("since", new JsonObject().put("epoch", epoch).put("offset", offset));
  }

  /** Publishes data {"n": n} for n in [from, to], asserting each gets offset n; returns the epoch. */
  private static String publish(String channel, long from, long to) {
    String epoch = null;
    for (long n = from; n <= to; n++) {
      JsonObject reply = node.http().publish(channel, new JsonObject().put("n", n));
      assertThat(reply.getLong("offset")).isEqualTo(n);
      epoch = reply.getString("epoch");
    }
    return epoch;
  }

  /** The next frames are the messages at offsets from..to, in order, each with data {"n": offset}. */
  private static void assertMessages(WsClient client, String epoch, long from, long to) {
    for (long n = from; n <= to; n++) {
      JsonObject message = client.next("message");
      assertThat(message.getLong("offset")).isEqualTo(n);
      assertThat(message.getString("epoch")).isEqualTo(epoch);
      assertThat(message.getJsonObject("data").getLong("n")).isEqualTo(n);
    }
  }

  /** Reads {@code count} messages, appending their offsets (checked against their data) to {@code into}. */
  private static void readInto(WsClient client, String epoch, int count, List<Long> into) {
    for (int i = 0; i < count; i++) {
      JsonObject message = client.next("message");
      assertThat(message.getString("epoch")).isEqualTo(epoch);
      assertThat(message.getJsonObject("data").getLong("n")).isEqualTo(message.getLong("offset"));
      into.add(message.getLong("offset"));
    }
  }
}
