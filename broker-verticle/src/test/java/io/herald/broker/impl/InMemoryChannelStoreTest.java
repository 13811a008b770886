package io.herald.broker.impl;

import io.herald.core.ChannelStore.Appended;
import io.herald.core.ChannelStore.Occupancy;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InMemoryChannelStore} (and so {@link ChannelLog}, which the cluster store shares) with an
 * injected clock: offsets, size bound, TTL, watchers, sweeping and new epochs.
 */
class InMemoryChannelStoreTest {

  private static final long TTL = 1_000;

  private final AtomicLong now = new AtomicLong(10_000);
  private final InMemoryChannelStore store = new InMemoryChannelStore(HeraldConfig.load(new JsonObject(), Map.of(),
          Map.of("namespace.history_size", "100", "namespace.history_ttl_ms", Long.toString(TTL)))
      .withNamespaces(new JsonObject()
          .put("three", new JsonObject().put("history_size", 3))
          .put("none", new JsonObject().put("history_size", 0))
          .put("long", new JsonObject().put("history_ttl_ms", 1_000_000)))
      .namespaces(), now::get);

  @Test
  void readsOfAnUnknownChannelAnswerOffsetZeroAndCreateNothing() {
    StreamPosition start = get(store.position("new"));
    HistoryPage page = read(HistoryQuery.latest("new", 10));

    assertThat(start.offset()).isZero();
    assertThat(start.epoch()).isNotEmpty();
    assertThat(page.messages()).isEmpty();
    assertThat(page.latest()).isZero();
    assertThat(page.covers(page.epoch(), 0)).isTrue();
    assertThat(store.channels()).isZero();
    Appended first = append("new", 2);
    assertThat(first.firstOffset()).isEqualTo(1);
    assertThat(get(store.position("new")).epoch()).isEqualTo(first.epoch());
  }

  @Test
  void appendsGetTheNextOffsetsInOrder() {
    Appended first = append("a", 3);
    Appended second = append("a", 2);

    assertThat(first.firstOffset()).isEqualTo(1);
    assertThat(second.firstOffset()).isEqualTo(4);
    assertThat(second.epoch()).isEqualTo(first.epoch());
    assertThat(offsets(read(new HistoryQuery("a", 0, 100)))).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(read(new HistoryQuery("a", 0, 100)).messages()).allSatisfy(m -> {
      assertThat(m.channel()).isEqualTo("a");
      assertThat(m.epoch()).isEqualTo(first.epoch());
      assertThat(m.data()).isEqualTo(data(m.offset()));
    });
  }

  @Test
  void keepsAtMostTheNamespaceHistorySize() {
    append("three:a", 5);

    HistoryPage page = read(HistoryQuery.latest("three:a", 100));

    assertThat(offsets(page)).containsExactly(3L, 4L, 5L);
    assertThat(page.latest()).isEqualTo(5);
    assertThat(page.earliest()).isEqualTo(3);
    assertThat(get(store.position("three:a")).offset()).isEqualTo(5);
    assertThat(offsets(read(new HistoryQuery("three:a", 0, 100)))).containsExactly(3L, 4L, 5L);
    assertThat(offsets(read(new HistoryQuery("three:a", 3, 1)))).containsExactly(4L);
  }

  @Test
  void historySizeZeroKeepsOnlyThePosition() {
    String epoch = append("none:a", 3).epoch();

    HistoryPage page = read(HistoryQuery.latest("none:a", 100));

    assertThat(page.messages()).isEmpty();
    assertThat(page.latest()).isEqualTo(3);
    assertThat(page.earliest()).isEqualTo(4);
    assertThat(page.covers(epoch, 3)).isTrue();
    assertThat(page.covers(epoch, 2)).isFalse();
  }

  @Test
  void messagesExpireAfterTheTtl() {
    String epoch = append("a", 1).epoch(); // ts 10_000
    now.addAndGet(500);
    append("a", 1);                         // ts 10_500

    now.set(10_000 + TTL);
    assertThat(offsets(read(HistoryQuery.latest("a", 100)))).as("exactly TTL old: kept").containsExactly(1L, 2L);

    now.set(10_000 + TTL + 1);
    HistoryPage page = read(HistoryQuery.latest("a", 100));
    assertThat(offsets(page)).containsExactly(2L);
    assertThat(page.earliest()).isEqualTo(2);
    assertThat(page.latest()).isEqualTo(2);
    assertThat(page.covers(epoch, 1)).isTrue();
    assertThat(page.covers(epoch, 0)).isFalse();

    now.set(10_500 + TTL + 1);
    page = read(new HistoryQuery("a", 0, 100));
    assertThat(page.messages()).isEmpty();
    assertThat(page.latest()).as("the position survives expiry").isEqualTo(2);
    assertThat(page.earliest()).isEqualTo(3);
    assertThat(page.covers(epoch, 2)).isTrue();
  }

  @Test
  void ttlIsPerNamespace() {
    append("long:a", 1);
    append("a", 1);
    now.addAndGet(TTL * 10);

    assertThat(offsets(read(HistoryQuery.latest("long:a", 10)))).containsExactly(1L);
    assertThat(offsets(read(HistoryQuery.latest("a", 10)))).isEmpty();
  }

  @Test
  void sweepForgetsChannelsThatAreEmptyUnwatchedAndIdleLongerThanTheirTtl() {
    String idleEpoch = append("idle", 1).epoch();
    append("none:idle", 1);
    now.addAndGet(TTL / 2);
    append("recent", 1);

    store.sweep();
    assertThat(store.channels()).as("nothing idle for a TTL yet").isEqualTo(3);

    now.addAndGet(TTL / 2 + 1);
    store.sweep();
    assertThat(store.channels()).isEqualTo(1);
    Appended restarted = append("idle", 1);
    assertThat(restarted.epoch()).as("a forgotten channel starts a new epoch").isNotEqualTo(idleEpoch);
    assertThat(restarted.firstOffset()).isEqualTo(1);

    now.addAndGet(TTL * 2);
    store.sweep();
    assertThat(store.channels()).isZero();
  }

  @Test
  void sweepKeepsChannelsThatStillHoldMessagesOrAreWatched() {
    append("long:kept", 1);
    get(store.watch("watched", "node-a", true));
    now.addAndGet(TTL * 10);

    store.sweep();

    assertThat(store.channels()).isEqualTo(2);
    assertThat(offsets(read(HistoryQuery.latest("long:kept", 10)))).containsExactly(1L);
    assertThat(get(store.watchers("watched"))).containsExactly("node-a");
  }

  @Test
  void appendsReportTheWatchingNodes() {
    assertThat(append("w", 1).watchers()).isEmpty();

    get(store.watch("w", "node-a", true));
    get(store.watch("w", "node-b", true));
    get(store.watch("w", "node-a", true));
    assertThat(append("w", 1).watchers()).containsExactlyInAnyOrder("node-a", "node-b");

    get(store.watch("w", "node-a", false));
    assertThat(append("w", 1).watchers()).containsExactly("node-b");
    assertThat(get(store.watchers("w"))).containsExactly("node-b");
    assertThat(get(store.watchers("unknown"))).isEmpty();
  }

  @Test
  void watchesReportTheFirstWatcherAndTheLastOneGone() {
    assertThat(get(store.watch("o", "node-a", true))).isEqualTo(Occupancy.OCCUPIED);
    assertThat(get(store.watch("o", "node-b", true))).isEqualTo(Occupancy.UNCHANGED);
    assertThat(get(store.watch("o", "node-a", true))).as("a repeated watch").isEqualTo(Occupancy.UNCHANGED);
    assertThat(get(store.watch("o", "node-a", false))).isEqualTo(Occupancy.UNCHANGED);
    assertThat(get(store.watch("o", "node-a", false))).as("a repeated unwatch").isEqualTo(Occupancy.UNCHANGED);
    assertThat(get(store.watch("o", "node-b", false))).isEqualTo(Occupancy.VACATED);
    assertThat(get(store.watch("unknown", "node-a", false))).isEqualTo(Occupancy.UNCHANGED);
  }

  @Test
  void forgettingANodeRemovesItFromEveryChannel() {
    get(store.watch("x", "gone", true));
    get(store.watch("y", "gone", true));
    get(store.watch("y", "stays", true));

    assertThat(get(store.forgetNode("gone"))).as("the channels left vacant").containsExactly("x");

    assertThat(get(store.watchers("x"))).isEmpty();
    assertThat(get(store.watchers("y"))).containsExactly("stays");
  }

  @Test
  void channelsAreKeptApart() {
    Appended a = append("a", 3);
    Appended b = append("b", 2);

    assertThat(offsets(read(HistoryQuery.latest("a", 10)))).containsExactly(1L, 2L, 3L);
    assertThat(read(HistoryQuery.latest("b", 10)).messages()).allSatisfy(m -> assertThat(m.channel()).isEqualTo("b"));
    assertThat(b.firstOffset()).isEqualTo(1);
    assertThat(b.epoch()).isNotEqualTo(a.epoch());
  }

  private Appended append(String channel, int count) {
    StreamPosition before = get(store.position(channel));
    List<Buffer> data = java.util.stream.LongStream.rangeClosed(before.offset() + 1, before.offset() + count)
        .mapToObj(InMemoryChannelStoreTest::data).toList();
    return get(store.append(channel, data, now.get()));
  }

  private static Buffer data(long offset) {
    return Buffer.buffer("{\"o\":" + offset + "}");
  }

  private HistoryPage read(HistoryQuery query) {
    return get(store.read(query));
  }

  private static List<Long> offsets(HistoryPage page) {
    return page.messages().stream().map(Message::offset).toList();
  }

  /** The in-memory store answers synchronously. */
  private static <T> T get(Future<T> future) {
    assertThat(future.succeeded()).isTrue();
    return future.result();
  }
}
