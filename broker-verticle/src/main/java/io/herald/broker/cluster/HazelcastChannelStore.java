package io.herald.broker.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.herald.broker.cluster.ChannelLogOps.ChannelStart;
import io.herald.broker.impl.ChannelLog;
import io.herald.core.ChannelStore;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.RandomIds;
import io.herald.core.StreamPosition;
import io.herald.core.config.NamespaceOptions;
import io.herald.core.config.Namespaces;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The cluster's channels: one entry of the Hazelcast map {@value #MAP} per channel, read and changed
 * only by {@link ChannelLogOps entry processors}, so each operation runs on the channel's partition
 * owner and is copied to its backup before it completes (backup count in {@code cluster.xml}). A
 * member that dies loses nothing that was acknowledged: the backup takes over with the same offsets,
 * messages and watchers. Every call is asynchronous; results come back on the caller's context.
 * Thread-safe: all sequencer shards of a node share it.
 */
public final class HazelcastChannelStore implements ChannelStore {

  public static final String MAP = "herald.channels";
  private static final long SWEEP_INTERVAL_MS = 5_000;

  private final Vertx vertx;
  private final IMap<String, ChannelLog> map;
  private final Namespaces namespaces;
  private final LongSupplier clock;
  private final AtomicLong lastSweepMs = new AtomicLong();

  public HazelcastChannelStore(Vertx vertx, HazelcastInstance hazelcast, Namespaces namespaces, LongSupplier clock) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.namespaces = namespaces;
    this.clock = clock;
  }

  @Override
  public Future<Appended> append(String channel, List<Buffer> data, long ts) {
    return submit(channel, new ChannelLogOps.Append(start(channel, ts), data))
        .map(reply -> new Appended(reply.epoch, reply.offset, reply.watchers));
  }

  @Override
  public Future<StreamPosition> position(String channel) {
    return submit(channel, new ChannelLogOps.Position(start(channel, clock.getAsLong()))).map(StoreReply::position);
  }

  @Override
  public Future<HistoryPage> read(HistoryQuery query) {
    return submit(query.channel(), new ChannelLogOps.Read(start(query.channel(), clock.getAsLong()), query)).map(StoreReply::page);
  }

  @Override
  public Future<Void> watch(String channel, String node, boolean watching) {
    return submit(channel, new ChannelLogOps.Watch(start(channel, clock.getAsLong()), node, watching));
  }

  @Override
  public Future<List<String>> watchers(String channel) {
    return submit(channel, new ChannelLogOps.Watchers());
  }

  @Override
  public Future<Void> forgetNode(String node) {
    return vertx.executeBlocking(() -> {
      map.executeOnEntries(new ChannelLogOps.ForgetNode(node));
      return null;
    }, false);
  }

  /**
   * Sweeps the channels whose partitions this member owns, at most once per interval however many
   * shards ask: every member sweeps its own, so together they sweep all.
   */
  @Override
  public void sweep() {
    long now = clock.getAsLong();
    long last = lastSweepMs.get();
    if (now - last < SWEEP_INTERVAL_MS || !lastSweepMs.compareAndSet(last, now)) {
      return;
    }
    vertx.executeBlocking(() -> {
      Set<String> local = map.localKeySet();
      return local.isEmpty() ? null : map.submitToKeys(local, new ChannelLogOps.Sweep(now));
    }, false);
  }

  /** How {@code channel} starts if no member knows it yet, for an operation at {@code now}. */
  private ChannelStart start(String channel, long now) {
    NamespaceOptions options = namespaces.forChannel(channel);
    return new ChannelStart(RandomIds.epoch(), options.historySize(), options.historyTtlMs(), now);
  }

  private <R> Future<R> submit(String channel, EntryProcessor<String, ChannelLog, R> op) {
    return Future.fromCompletionStage(map.submitToKey(channel, op), vertx.getOrCreateContext());
  }
}
