package io.herald.bench;

import io.herald.broker.impl.ChannelLog;
import io.herald.broker.impl.InMemoryChannelStore;
import io.herald.broker.impl.StoreLimits;
import io.herald.core.ChannelStore.Appended;
import io.herald.core.HistoryQuery;
import io.herald.core.RandomIds;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * History append: one message of ~100 bytes into a channel that keeps {@link #HISTORY_SIZE} messages and already
 * holds them, so each append also evicts the oldest (the steady state of a busy channel). {@code channelLog} is
 * {@link ChannelLog#append} alone; {@code inMemoryStore} is the standalone sequencer's whole store call,
 * {@link InMemoryChannelStore#append} (channel lookup, node-wide history bytes, least-recently-published order,
 * the eviction check, the future it answers with). Timestamps advance 1 ms per append, far inside the TTL.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HistoryAppendBenchmark {

  static final int HISTORY_SIZE = 100;
  private static final String CHANNEL = "room";

  private final List<Buffer> data = List.of(Payloads.data(100));
  private ChannelLog log;
  private InMemoryChannelStore store;
  private long ts = 1_733_260_000_000L;

  @Setup
  public void setUp() {
    HeraldConfig config = HeraldConfig.defaults().with(HeraldConfig.NAMESPACE_HISTORY_SIZE, HISTORY_SIZE);
    long ttlMs = config.get(HeraldConfig.NAMESPACE_HISTORY_TTL_MS);
    log = new ChannelLog(CHANNEL, RandomIds.epoch(), HISTORY_SIZE, ttlMs, ts);
    store = new InMemoryChannelStore(config.namespaces(), StoreLimits.from(config), () -> ts);
    for (int i = 0; i < HISTORY_SIZE; i++) {
      ts++;
      log.append(data, ts);
      store.append(CHANNEL, data, ts, true);
    }
    int stored = store.read(HistoryQuery.latest(CHANNEL, Integer.MAX_VALUE)).result().messages().size();
    if (log.size() != HISTORY_SIZE || stored != HISTORY_SIZE) {
      throw new IllegalStateException("the log holds " + log.size() + " messages and the store " + stored
          + ", not " + HISTORY_SIZE);
    }
  }

  @Benchmark
  public long channelLog() {
    return log.append(data, ++ts);
  }

  @Benchmark
  public Future<Appended> inMemoryStore() {
    return store.append(CHANNEL, data, ++ts, true);
  }
}
