package io.herald.broker.impl;

import io.herald.core.ChannelStore.Appended;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotency keys in a channel's state ({@link ChannelLog} through {@link InMemoryChannelStore}, with an injected
 * clock): a repeated key within the window is answered with its first offset and not appended; keys expire with the
 * window, are bounded per channel, count against the history bytes and keep an idle channel until they expire.
 */
class IdempotentAppendTest {

  private static final long WINDOW = 1_000;
  private static final int MAX_KEYS = 3;

  private final AtomicLong now = new AtomicLong(10_000);
  private final StoreLimits limits = new StoreLimits(Long.MAX_VALUE, Integer.MAX_VALUE, WINDOW, MAX_KEYS);
  private final InMemoryChannelStore store = new InMemoryChannelStore(HeraldConfig.load(new JsonObject(), Map.of(),
      Map.of("namespace.history_ttl_ms", "100")).namespaces(), limits, now::get);

  @Test
  void aRepeatedKeyAnswersItsFirstOffsetAndIsNotAppended() {
    Publication first = append("c", "k1", "k2");
    Publication again = append("c", "k2", "k3", null);

    assertThat(first.duplicateOf()).isNull();
    assertThat(first.offsets(2)).containsExactly(1, 2);
    assertThat(again.duplicate(0)).isTrue();
    assertThat(again.duplicate(1)).isFalse();
    assertThat(again.offsets(3)).containsExactly(2, 3, 4);
    assertThat(again.epoch()).isEqualTo(first.epoch());
    assertThat(history("c")).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aKeyRepeatedWithinOneBatchIsPublishedOnce() {
    Publication p = append("c", "k", null, "k");

    assertThat(p.offsets(3)).containsExactly(1, 2, 1);
    assertThat(p.duplicate(2)).isTrue();
    assertThat(history("c")).containsExactly(1L, 2L);
  }

  @Test
  void aKeyIsForgottenOnceItsWindowIsOver() {
    append("c", "k");
    now.addAndGet(WINDOW - 1);
    assertThat(append("c", "k").duplicate(0)).as("still within the window").isTrue();
    now.addAndGet(1);

    Publication after = append("c", "k");

    assertThat(after.duplicate(0)).isFalse();
    assertThat(after.firstOffset()).isEqualTo(2);
  }

  @Test
  void aChannelRemembersAtMostItsBoundOfKeysOldestForgottenFirst() {
    append("c", "k1", "k2", "k3", "k4");

    assertThat(append("c", "k1").duplicate(0)).as("the oldest went beyond the bound").isFalse();
    assertThat(append("c", "k4").duplicate(0)).isTrue();
  }

  @Test
  void keysCountAgainstTheHistoryBytesAndLeaveWithTheChannel() {
    long before = limits.historyBytes();
    append("quiet", "a-key");
    long withKey = limits.historyBytes();
    assertThat(withKey - before).as("the message and its key").isGreaterThan(ChannelLog.MESSAGE_OVERHEAD_BYTES);

    now.addAndGet(WINDOW + 200); // past the window and the 100 ms history TTL
    store.sweep();

    assertThat(store.channels()).isZero();
    assertThat(limits.historyBytes()).isEqualTo(before);
  }

  @Test
  void keysThatExpireOnAnAppendGiveTheirBytesBack() {
    append("busy", "old-key");
    long withOneKey = limits.historyBytes();
    now.addAndGet(WINDOW); // the key's window is over, the message (history TTL 100 ms) too
    store.sweep();
    long afterSweep = limits.historyBytes();
    append("busy", "k2");
    now.addAndGet(WINDOW);

    append("busy", (String) null); // expires k2 on the way

    assertThat(afterSweep).isLessThan(withOneKey);
    assertThat(limits.historyBytes()).as("only the last message is held: its key-less cost")
        .isEqualTo(ChannelLog.MESSAGE_OVERHEAD_BYTES + "\"null\"".length());
  }

  @Test
  void anIdleChannelIsKeptWhileItsKeysLive() {
    append("quiet", "a-key");
    now.addAndGet(500); // past the history TTL, within the key window
    store.sweep();

    assertThat(store.channels()).isEqualTo(1);
    assertThat(append("quiet", "a-key").duplicate(0)).isTrue();
  }

  @Test
  void aWindowOfZeroIgnoresKeys() {
    InMemoryChannelStore off = new InMemoryChannelStore(HeraldConfig.defaults().namespaces(),
        new StoreLimits(Long.MAX_VALUE, Integer.MAX_VALUE, 0, MAX_KEYS), now::get);
    List<Buffer> data = List.of(Buffer.buffer("1"), Buffer.buffer("2"));

    Appended appended = get(off.append("c", data, List.of("k", "k"), now.get(), true));

    assertThat(appended.publication().duplicateOf()).isNull();
    assertThat(appended.publication().offsets(2)).containsExactly(1, 2);
  }

  @Test
  void keysSurviveTheLogsSnapshot() {
    ChannelLog log = new ChannelLog("c", "e1", 10, 60_000, now.get());
    log.append(List.of(Buffer.buffer("1"), Buffer.buffer("2")), Arrays.asList("k1", null), now.get(), WINDOW, MAX_KEYS);
    ChannelLog copy = ChannelLog.restore(log.snapshot()); // as the cluster store copies it to a backup

    Publication repeat = copy.append(List.of(Buffer.buffer("1")), List.of("k1"), now.get(), WINDOW, MAX_KEYS);

    assertThat(repeat.duplicate(0)).isTrue();
    assertThat(repeat.first().offset()).isEqualTo(1);
    assertThat(copy.bytes()).isEqualTo(log.bytes());
  }

  private Publication append(String channel, String... keys) {
    List<Buffer> data = Arrays.stream(keys).map(k -> Buffer.buffer("\"" + k + "\"")).toList();
    return get(store.append(channel, data, Arrays.asList(keys), now.get(), true)).publication();
  }

  private List<Long> history(String channel) {
    return get(store.read(new HistoryQuery(channel, 0, 100))).messages().stream().map(Message::offset).toList();
  }

  private static <T> T get(Future<T> future) {
    assertThat(future.succeeded()).isTrue();
    return future.result();
  }
}
