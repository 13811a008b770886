package io.herald.broker.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.herald.broker.impl.ChannelLog;
import io.herald.broker.impl.StoreLimits;
import io.herald.core.ChannelName;
import io.herald.core.HeraldException;
import com.hazelcast.partition.PartitionService;
import com.hazelcast.query.Predicates;
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

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
  private final PartitionService partitions;
  private final Namespaces namespaces;
  private final LongSupplier clock;
  private final AtomicLong lastSweepMs = new AtomicLong();
  /** This member's share of the map as of the last sweep, against the node's bounds. */
  private final StoreLimits limits;
  private final SplitBrainGuard guard;

  public HazelcastChannelStore(Vertx vertx, HazelcastInstance hazelcast, Namespaces namespaces, LongSupplier clock) {
    this(vertx, hazelcast, namespaces, StoreLimits.unbounded(), clock);
  }

  public HazelcastChannelStore(Vertx vertx, HazelcastInstance hazelcast, Namespaces namespaces, StoreLimits limits,
                               LongSupplier clock) {
    ClusterSerialization.require(hazelcast);
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.partitions = hazelcast.getPartitionService();
    this.namespaces = namespaces;
    this.limits = limits;
    this.clock = clock;
    this.guard = SplitBrainGuard.of(hazelcast);
  }

  @Override
  public Future<Appended> append(String channel, List<Buffer> data, List<String> keys, long ts, boolean create) {
    Supplier<HeraldException> refusal = refusal(channel, create);
    // A random id per append: a run of it again by Hazelcast (its member left before answering) appends nothing.
    ChannelLogOps.Append append = new ChannelLogOps.Append(ThreadLocalRandom.current().nextLong(),
        start(channel, ts, refusal == null), data, keys, limits.idempotencyWindowMs(), limits.maxIdempotencyKeys());
    return submit(channel, append).map(appended -> unlessRefused(appended, refusal));
  }

  /** An unknown channel answers offset 0 of a throwaway epoch and is not stored. */
  @Override
  public Future<StreamPosition> position(String channel) {
    return submit(channel, confirmed(new ChannelLogOps.Position(RandomIds.epoch())));
  }

  @Override
  public Future<HistoryPage> read(HistoryQuery query) {
    return submit(query.channel(), confirmed(new ChannelLogOps.Read(RandomIds.epoch(), clock.getAsLong(), query)));
  }

  /** {@code read} as it must run here: confirmed by the channel's backups where a quorum is configured ({@link ConfirmedRead}). */
  private <R> EntryProcessor<String, ChannelLog, R> confirmed(EntryProcessor<String, ChannelLog, R> read) {
    return guard.quorum() > 0 ? new ConfirmedRead<>(read) : read;
  }

  @Override
  public Future<Occupancy> watch(String channel, String node, boolean watching, boolean create) {
    Supplier<HeraldException> refusal = refusal(channel, create);
    ChannelLogOps.Watch watch = new ChannelLogOps.Watch(start(channel, clock.getAsLong(), refusal == null), node,
        watching);
    return submit(channel, watch).map(occupancy -> unlessRefused(occupancy, refusal));
  }

  /**
   * Why this call may not create {@code channel} should no member know it yet, or null: it may ({@code create},
   * and this member owned fewer than broker.max_channels at its last sweep).
   */
  private Supplier<HeraldException> refusal(String channel, boolean create) {
    if (!create) {
      return StoreLimits::outOfNewChannels;
    }
    if (limits.channels() >= limits.maxChannels() && !ChannelName.isCanary(channel)) {
      int max = limits.maxChannels();
      return () -> StoreLimits.tooManyChannels(max);
    }
    return null;
  }

  /** The owner's answer; null when the channel was unknown and this call might not create it. */
  private static <T> T unlessRefused(T answer, Supplier<HeraldException> refusal) {
    if (answer == null) {
      throw refusal.get();
    }
    return answer;
  }

  @Override
  public Future<List<String>> watchers(String channel) {
    return submit(channel, new ChannelLogOps.Watchers());
  }

  @Override
  public Future<List<String>> forgetNode(String node) {
    // Every survivor runs this; the entry processors of a channel run one at a time, so only the first one to
    // remove the node sees the channel go vacant, and only its member reports it.
    return vertx.executeBlocking(() -> {
      Map<String, Boolean> vacated = map.executeOnEntries(new ChannelLogOps.ForgetNode(node));
      return vacated.entrySet().stream().filter(e -> Boolean.TRUE.equals(e.getValue())).map(Map.Entry::getKey).toList();
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
      Map<String, long[]> usage = held(onPartitionsOf(map.localKeySet(), new ChannelLogOps.Sweep(now)));
      if (limits.historyBytesOver() > 0) {
        dropLeastRecentlyPublished(usage);
        held(onPartitionsOf(map.localKeySet(), new ChannelLogOps.Usage()));
      }
      return null;
    }, false);
  }

  /**
   * Takes {@code usage}, this member's channels with their {@code [lastAppendMs, bytes]} (null: swept away), as
   * what the bounds and gauges see: how many, and the bytes their histories hold as {@link ChannelLog#bytes} counts
   * them (one node's store's measure). Not Hazelcast's memory cost: it is not computed for the OBJECT in-memory
   * format {@code cluster.xml} gives this map (it reads -1). Returns the channels that are left.
   */
  private Map<String, long[]> held(Map<String, long[]> usage) {
    Map<String, long[]> kept = new HashMap<>();
    usage.forEach((channel, u) -> {
      if (u != null) {
        kept.put(channel, u);
      }
    });
    limits.held(kept.size(), kept.values().stream().mapToLong(u -> u[1]).sum());
    return kept;
  }

  /**
   * This member owns more than broker.max_history_bytes: drops the whole history of its least recently
   * published channels until the excess is freed. Runs on a worker thread, once per sweep at most, so
   * the sort over the member's channels is paid only while it is over the bound.
   */
  private void dropLeastRecentlyPublished(Map<String, long[]> usage) {
    List<Map.Entry<String, long[]>> oldestFirst = new ArrayList<>(usage.entrySet());
    oldestFirst.sort(Comparator.comparingLong(e -> e.getValue()[0]));
    long over = limits.historyBytesOver();
    Set<String> drop = new HashSet<>();
    for (Map.Entry<String, long[]> e : oldestFirst) {
      if (over <= 0) {
        break;
      }
      if (e.getValue()[1] > 0) {
        drop.add(e.getKey());
        over -= e.getValue()[1];
      }
    }
    onKeysByPartition(drop, new ChannelLogOps.DropHistory());
  }

  /**
   * {@code op} on every channel of the partitions that hold {@code keys} (this member's own, for the sweep), in one
   * call: each partition runs it over its entries, and its backup gets the operation, not a key set. (Hazelcast's
   * {@code executeOnKeys} gives every partition's operation and backup the whole key set: docs/scaling.md.) Blocks:
   * worker threads only.
   */
  private <R> Map<String, R> onPartitionsOf(Set<String> keys, EntryProcessor<String, ChannelLog, R> op) {
    Set<String> onePerPartition = new HashSet<>();
    for (Set<String> partitionKeys : byPartition(keys)) {
      onePerPartition.add(partitionKeys.iterator().next());
    }
    if (onePerPartition.isEmpty()) {
      return Map.of();
    }
    return map.executeOnEntries(op, Predicates.multiPartitionPredicate(onePerPartition, Predicates.alwaysTrue()));
  }

  /**
   * {@code op} on each of {@code keys} only, one {@code executeOnKeys} per partition with that partition's keys (one
   * call over them all would give every partition's operation the whole set). Blocks: worker threads only.
   */
  private <R> Map<String, R> onKeysByPartition(Set<String> keys, EntryProcessor<String, ChannelLog, R> op) {
    Map<String, R> results = new HashMap<>();
    for (Set<String> partitionKeys : byPartition(keys)) {
      results.putAll(map.executeOnKeys(partitionKeys, op));
    }
    return results;
  }

  /** {@code keys} grouped by the partition that holds them. */
  private Collection<Set<String>> byPartition(Set<String> keys) {
    Map<Integer, Set<String>> groups = new HashMap<>();
    for (String key : keys) {
      groups.computeIfAbsent(partitions.getPartition(key).getPartitionId(), p -> new HashSet<>()).add(key);
    }
    return groups.values();
  }

  /** How {@code channel} starts should no member know it yet, for an operation at {@code now}. */
  private ChannelStart start(String channel, long now, boolean mayCreate) {
    NamespaceOptions options = namespaces.forChannel(channel);
    return new ChannelStart(RandomIds.epoch(), options.historySize(), options.historyTtlMs(), now, mayCreate);
  }

  /** Runs {@code op} on the channel's owner; its answer counts only if this member still has quorum after it ({@link SplitBrainGuard}). */
  private <R> Future<R> submit(String channel, EntryProcessor<String, ChannelLog, R> op) {
    long started = System.nanoTime();
    return HazelcastAsync.onContext(map.submitToKey(channel, op), vertx.getOrCreateContext()).transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(guard.translate(ar.cause()));
      }
      HeraldException refused = guard.refusal(started);
      return refused == null ? Future.succeededFuture(ar.result()) : Future.failedFuture(refused);
    });
  }
}
