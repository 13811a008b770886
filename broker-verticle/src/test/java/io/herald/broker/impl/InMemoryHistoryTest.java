package io.herald.broker.impl;

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

/** {@link InMemoryHistory} with an injected clock: size bound, TTL, sweeping and epoch changes. */
class InMemoryHistoryTest {

  private static final long TTL = 1_000;

  private final AtomicLong now = new AtomicLong(10_000);
  private final InMemoryHistory history = new InMemoryHistory(HeraldConfig.load(new JsonObject(), Map.of(),
          Map.of("namespace.history_size", "100", "namespace.history_ttl_ms", Long.toString(TTL)))
      .withNamespaces(new JsonObject()
          .put("three", new JsonObject().put("history_size", 3))
          .put("none", new JsonObject().put("history_size", 0))
          .put("long", new JsonObject().put("history_ttl_ms", 1_000_000)))
      .namespaces(), now::get);

  @Test
  void unknownChannelHasNoPositionAndNoPage() {
    assertThat(get(history.lastPosition("nothing"))).isNull();
    assertThat(get(history.read(HistoryQuery.latest("nothing", 10)))).isNull();
  }

  @Test
  void keepsAtMostTheNamespaceHistorySize() {
    appendAll("three:a", "e", 1, 5);

    HistoryPage page = read(HistoryQuery.latest("three:a", 100));

    assertThat(offsets(page)).containsExactly(3L, 4L, 5L);
    assertThat(page.latest()).isEqualTo(5);
    assertThat(page.earliest()).isEqualTo(3);
    assertThat(get(history.lastPosition("three:a"))).isEqualTo(new StreamPosition("e", 5));
    assertThat(offsets(read(new HistoryQuery("three:a", 0, 100)))).containsExactly(3L, 4L, 5L);
    assertThat(offsets(read(new HistoryQuery("three:a", 3, 1)))).containsExactly(4L);
  }

  @Test
  void historySizeZeroKeepsOnlyThePosition() {
    appendAll("none:a", "e", 1, 3);

    HistoryPage page = read(HistoryQuery.latest("none:a", 100));

    assertThat(page.messages()).isEmpty();
    assertThat(page.latest()).isEqualTo(3);
    assertThat(page.earliest()).isEqualTo(4);
    assertThat(page.covers("e", 3)).isTrue();
    assertThat(page.covers("e", 2)).isFalse();
  }

  @Test
  void messagesExpireAfterTheTtl() {
    append("a", "e", 1);          // ts 10_000
    now.addAndGet(500);
    append("a", "e", 2);          // ts 10_500

    now.set(10_000 + TTL);
    assertThat(offsets(read(HistoryQuery.latest("a", 100)))).as("exactly TTL old: kept").containsExactly(1L, 2L);

    now.set(10_000 + TTL + 1);
    HistoryPage page = read(HistoryQuery.latest("a", 100));
    assertThat(offsets(page)).containsExactly(2L);
    assertThat(page.earliest()).isEqualTo(2);
    assertThat(page.latest()).isEqualTo(2);
    assertThat(page.covers("e", 1)).isTrue();
    assertThat(page.covers("e", 0)).isFalse();

    now.set(10_500 + TTL + 1);
    page = read(new HistoryQuery("a", 0, 100));
    assertThat(page.messages()).isEmpty();
    assertThat(page.latest()).as("the position survives expiry").isEqualTo(2);
    assertThat(page.earliest()).isEqualTo(3);
    assertThat(page.covers("e", 2)).isTrue();
  }

  @Test
  void ttlIsPerNamespace() {
    append("long:a", "e", 1);
    append("a", "e", 1);
    now.addAndGet(TTL * 10);

    assertThat(offsets(read(HistoryQuery.latest("long:a", 10)))).containsExactly(1L);
    assertThat(offsets(read(HistoryQuery.latest("a", 10)))).isEmpty();
  }

  @Test
  void sweepForgetsChannelsThatAreEmptyAndIdleLongerThanTheirTtl() {
    append("idle", "e1", 1);
    append("none:idle", "e2", 1);
    now.addAndGet(TTL / 2);
    append("recent", "e3", 1);

    history.sweep();
    assertThat(history.channels()).as("nothing idle for a TTL yet").isEqualTo(3);
    assertThat(get(history.lastPosition("none:idle"))).isEqualTo(new StreamPosition("e2", 1));

    now.addAndGet(TTL / 2 + 1);
    history.sweep();
    assertThat(history.channels()).isEqualTo(1);
    assertThat(get(history.lastPosition("idle"))).isNull();
    assertThat(get(history.lastPosition("none:idle"))).isNull();
    assertThat(get(history.read(HistoryQuery.latest("idle", 10)))).isNull();
    assertThat(get(history.lastPosition("recent"))).isEqualTo(new StreamPosition("e3", 1));

    now.addAndGet(TTL);
    history.sweep();
    assertThat(history.channels()).isZero();
  }

  @Test
  void sweepKeepsChannelsThatStillHoldMessages() {
    append("long:kept", "e", 1);
    now.addAndGet(TTL * 10);

    history.sweep();

    assertThat(history.channels()).isEqualTo(1);
    assertThat(offsets(read(HistoryQuery.latest("long:kept", 10)))).containsExactly(1L);
  }

  @Test
  void aNewEpochClearsTheOldMessages() {
    appendAll("a", "old", 1, 4);

    append("a", "new", 1);

    HistoryPage page = read(new HistoryQuery("a", 0, 100));
    assertThat(page.epoch()).isEqualTo("new");
    assertThat(offsets(page)).containsExactly(1L);
    assertThat(page.messages().get(0).epoch()).isEqualTo("new");
    assertThat(page.latest()).isEqualTo(1);
    assertThat(page.earliest()).isEqualTo(1);
    assertThat(page.covers("old", 4)).isFalse();
    assertThat(get(history.lastPosition("a"))).isEqualTo(new StreamPosition("new", 1));
  }

  @Test
  void channelsAreKeptApart() {
    appendAll("a", "ea", 1, 3);
    appendAll("b", "eb", 1, 2);

    assertThat(offsets(read(HistoryQuery.latest("a", 10)))).containsExactly(1L, 2L, 3L);
    assertThat(read(HistoryQuery.latest("b", 10)).messages()).allSatisfy(m -> assertThat(m.channel()).isEqualTo("b"));
    assertThat(read(HistoryQuery.latest("b", 10)).epoch()).isEqualTo("eb");
  }

  private void append(String channel, String epoch, long offset) {
    get(history.append(new Message(channel, epoch, offset, now.get(), Buffer.buffer("{\"o\":" + offset + "}"))));
  }

  private void appendAll(String channel, String epoch, long from, long to) {
    for (long o = from; o <= to; o++) {
      append(channel, epoch, o);
    }
  }

  private HistoryPage read(HistoryQuery query) {
    return get(history.read(query));
  }

  private static List<Long> offsets(HistoryPage page) {
    return page.messages().stream().map(Message::offset).toList();
  }

  /** InMemoryHistory answers synchronously. */
  private static <T> T get(Future<T> future) {
    assertThat(future.succeeded()).isTrue();
    return future.result();
  }
}
