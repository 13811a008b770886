package io.herald.broker.impl;

import io.herald.core.ChannelName;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InMemoryChannelStore} within {@link StoreLimits}: history bytes stay under the node's bound, the
 * least recently published channels lose their oldest messages first, channels past the bound are
 * refused, and sweeping gives back what it frees.
 */
class StoreLimitsTest {

  private static final long TTL = 1_000;
  private static final int DATA_BYTES = 1_000;
  private static final long COST = DATA_BYTES + ChannelLog.MESSAGE_OVERHEAD_BYTES;

  private final AtomicLong now = new AtomicLong(10_000);

  private InMemoryChannelStore store(StoreLimits limits) {
    return new InMemoryChannelStore(HeraldConfig.load(new JsonObject(), Map.of(),
        Map.of("namespace.history_size", "1000", "namespace.history_ttl_ms", Long.toString(TTL))).namespaces(), limits, now::get);
  }

  private static Buffer data() {
    return Buffer.buffer("\"" + "x".repeat(DATA_BYTES - 2) + "\"");
  }

  /** channels x messages each, round robin, against a bound of {@code maxMessages} messages. */
  @ParameterizedTest
  @CsvSource({"1, 50, 10", "10, 5, 12", "40, 1, 7", "3, 20, 30"})
  void historyBytesStayWithinTheBoundAndTheLeastRecentlyPublishedGoFirst(int channels, int perChannel, int maxMessages) {
    StoreLimits limits = new StoreLimits(maxMessages * COST, Integer.MAX_VALUE);
    InMemoryChannelStore store = store(limits);
    for (int m = 0; m < perChannel; m++) {
      for (int c = 0; c < channels; c++) {
        assertThat(store.append("c" + c, List.of(data()), now.get()).succeeded()).isTrue();
        assertThat(limits.historyBytes()).isLessThanOrEqualTo(maxMessages * COST);
      }
    }
    int total = channels * perChannel;
    int kept = Math.min(total, maxMessages);
    assertThat(limits.historyBytes()).isEqualTo(kept * COST);
    // The newest `kept` messages survive: the last channel published keeps its latest message.
    HistoryPage newest = read(store, "c" + (channels - 1));
    assertThat(newest.messages()).isNotEmpty();
    assertThat(newest.latest()).isEqualTo(perChannel);
    if (total > maxMessages) {
      HistoryPage oldest = read(store, "c0");
      assertThat(oldest.covers(oldest.epoch(), 0)).as("the oldest range is gone: recovery fails").isFalse();
      assertThat(oldest.latest()).as("offsets stay").isEqualTo(perChannel);
    }
  }

  @Test
  void aChannelPastMaxChannelsIsRefusedAndSweepingMakesRoom() {
    StoreLimits limits = new StoreLimits(Long.MAX_VALUE, 2);
    InMemoryChannelStore store = store(limits);
    assertThat(store.append("a", List.of(data()), now.get()).succeeded()).isTrue();
    assertThat(store.watch("b", "node", true).succeeded()).isTrue();

    Future<?> refused = store.append("c", List.of(data()), now.get());
    assertThat(code(refused)).isEqualTo(ErrorCode.TOO_MANY_CHANNELS);
    assertThat(code(store.watch("c", "node", true))).isEqualTo(ErrorCode.TOO_MANY_CHANNELS);
    assertThat(store.append("a", List.of(data()), now.get()).succeeded()).as("an existing channel").isTrue();
    assertThat(limits.channels()).isEqualTo(2);
    assertThat(store.watch(ChannelName.CANARY_PREFIX + "n1", "n1", true).succeeded()).as("the readiness canary").isTrue();
    assertThat(store.watch(ChannelName.CANARY_PREFIX + "n1", "n1", false).succeeded()).isTrue();
    assertThat(limits.channels()).isEqualTo(3);

    now.addAndGet(TTL + 1);
    store.sweep();
    assertThat(limits.channels()).as("a and the canary forgotten: no history, no watchers").isEqualTo(1);
    assertThat(limits.historyBytes()).isZero();
    assertThat(store.append("c", List.of(data()), now.get()).succeeded()).isTrue();
  }

  @Test
  void aChannelTheCallerMayNotCreateIsRefusedWithRateLimited() {
    StoreLimits limits = StoreLimits.unbounded();
    InMemoryChannelStore store = store(limits);
    assertThat(code(store.append("a", List.of(data()), now.get(), false))).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(code(store.watch("a", "node", true, false))).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(store.watch("a", "node", false, false).succeeded()).as("unwatching creates nothing").isTrue();
    assertThat(limits.channels()).isZero();
    assertThat(store.append("a", List.of(data()), now.get(), true).succeeded()).isTrue();
    assertThat(store.append("a", List.of(data()), now.get(), false).succeeded()).as("it exists now").isTrue();
  }

  private static HistoryPage read(InMemoryChannelStore store, String channel) {
    return store.read(new HistoryQuery(channel, 0, Integer.MAX_VALUE)).result();
  }

  private static ErrorCode code(Future<?> future) {
    assertThat(future.failed()).isTrue();
    return ((HeraldException) future.cause()).code();
  }
}
