package io.herald.broker.impl;

import io.herald.core.ChannelStore;
import io.herald.core.HeraldException;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Publication;
import io.herald.core.RandomIds;
import io.herald.core.StreamPosition;
import io.herald.core.config.NamespaceOptions;
import io.herald.core.config.Namespaces;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The channels of one standalone sequencer shard, in memory, within the node's {@link StoreLimits}: a
 * new channel is counted against broker.max_channels, and when the node's retained history is over
 * broker.max_history_bytes the least recently published channels of this shard lose their oldest
 * messages first. Every operation is O(1) amortised: no scan per publish. Not thread-safe: only its
 * shard's loop uses it.
 */
public final class InMemoryChannelStore implements ChannelStore {

  private final Namespaces namespaces;
  private final StoreLimits limits;
  private final LongSupplier clock;
  private final Map<String, ChannelLog> logs = new HashMap<>();
  /** The channels that retain messages, least recently published first: who loses history first. */
  private final LinkedHashMap<String, ChannelLog> retained = new LinkedHashMap<>();

  public InMemoryChannelStore(Namespaces namespaces, LongSupplier clock) {
    this(namespaces, StoreLimits.unbounded(), clock);
  }

  public InMemoryChannelStore(Namespaces namespaces, StoreLimits limits, LongSupplier clock) {
    this.namespaces = namespaces;
    this.limits = limits;
    this.clock = clock;
  }

  @Override
  public Future<Appended> append(String channel, List<Buffer> data, List<String> keys, long ts, boolean create) {
    ChannelLog log;
    try {
      log = logOrCreate(channel, create);
    } catch (HeraldException e) {
      return Future.failedFuture(e);
    }
    long before = log.bytes();
    Publication publication = log.append(data, keys, ts, limits.idempotencyWindowMs(), limits.maxIdempotencyKeys());
    limits.addHistoryBytes(log.bytes() - before);
    retained.remove(channel); // re-inserted last: the most recently published
    if (log.bytes() > 0) {
      retained.put(channel, log);
    }
    evictWhileOver();
    return Future.succeededFuture(new Appended(publication, log.watchers()));
  }

  @Override
  public Future<StreamPosition> position(String channel) {
    ChannelLog log = logs.get(channel);
    return Future.succeededFuture(log == null ? new StreamPosition(RandomIds.epoch(), 0) : log.position());
  }

  @Override
  public Future<HistoryPage> read(HistoryQuery query) {
    ChannelLog log = logs.get(query.channel());
    return Future.succeededFuture(log == null ? unknown() : log.read(query, clock.getAsLong()));
  }

  /** What a read of a channel the store does not hold answers: nothing, at offset 0 of a throwaway epoch. */
  private static HistoryPage unknown() {
    return new HistoryPage(RandomIds.epoch(), 0, 1, List.of());
  }

  @Override
  public Future<Occupancy> watch(String channel, String node, boolean watching, boolean create) {
    ChannelLog log = logs.get(channel);
    if (log == null && !watching) {
      return Future.succeededFuture(Occupancy.UNCHANGED);
    }
    try {
      log = logOrCreate(channel, create);
    } catch (HeraldException e) {
      return Future.failedFuture(e);
    }
    boolean unwatched = log.unwatched();
    log.watch(node, watching);
    return Future.succeededFuture(Occupancy.of(unwatched, log.unwatched()));
  }

  @Override
  public Future<List<String>> watchers(String channel) {
    ChannelLog log = logs.get(channel);
    return Future.succeededFuture(log == null ? List.of() : log.watchers());
  }

  @Override
  public Future<List<String>> forgetNode(String node) {
    List<String> vacated = new ArrayList<>();
    logs.forEach((channel, log) -> {
      if (log.watch(node, false) && log.unwatched()) {
        vacated.add(channel);
      }
    });
    return Future.succeededFuture(vacated);
  }

  @Override
  public void sweep() {
    long now = clock.getAsLong();
    for (Iterator<Map.Entry<String, ChannelLog>> it = logs.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, ChannelLog> e = it.next();
      ChannelLog log = e.getValue();
      long before = log.bytes();
      boolean forget = log.sweep(now);
      limits.addHistoryBytes(log.bytes() - before);
      if (log.bytes() == 0) {
        retained.remove(e.getKey());
      }
      if (forget) {
        it.remove();
        limits.removeChannel();
      }
    }
  }

  /** Channels this store holds state for. */
  public int channels() {
    return logs.size();
  }

  private ChannelLog logOrCreate(String channel, boolean create) {
    ChannelLog log = logs.get(channel);
    if (log == null) {
      limits.addChannel(channel, create);
      NamespaceOptions options = namespaces.forChannel(channel);
      log = new ChannelLog(channel, RandomIds.epoch(), options.historySize(), options.historyTtlMs(), clock.getAsLong());
      logs.put(channel, log);
    }
    return log;
  }

  /**
   * While the node is over broker.max_history_bytes, drops the oldest messages of this shard's least
   * recently published channels. Each step frees messages for good, so the work is paid for by the
   * appends that added them. Another shard over the bound too trims on its own next append.
   */
  private void evictWhileOver() {
    Iterator<ChannelLog> oldestFirst = retained.values().iterator();
    long over;
    while ((over = limits.historyBytesOver()) > 0 && oldestFirst.hasNext()) {
      ChannelLog log = oldestFirst.next();
      limits.addHistoryBytes(-log.evictOldest(over));
      if (log.bytes() == 0) {
        oldestFirst.remove();
      }
    }
  }
}
