package io.herald.broker.impl;

import io.herald.core.ChannelStore;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.RandomIds;
import io.herald.core.StreamPosition;
import io.herald.core.config.NamespaceOptions;
import io.herald.core.config.Namespaces;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** The channels of one standalone sequencer shard, in memory. Not thread-safe: only its shard's loop uses it. */
public final class InMemoryChannelStore implements ChannelStore {

  private final Namespaces namespaces;
  private final LongSupplier clock;
  private final Map<String, ChannelLog> logs = new HashMap<>();

  public InMemoryChannelStore(Namespaces namespaces, LongSupplier clock) {
    this.namespaces = namespaces;
    this.clock = clock;
  }

  @Override
  public Future<Appended> append(String channel, List<Buffer> data, long ts) {
    ChannelLog log = log(channel);
    long first = log.append(data, ts);
    return Future.succeededFuture(new Appended(log.position().epoch(), first, log.watchers()));
  }

  @Override
  public Future<StreamPosition> position(String channel) {
    return Future.succeededFuture(log(channel).position());
  }

  @Override
  public Future<HistoryPage> read(HistoryQuery query) {
    return Future.succeededFuture(log(query.channel()).read(query, clock.getAsLong()));
  }

  @Override
  public Future<Void> watch(String channel, String node, boolean watching) {
    log(channel).watch(node, watching);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<String>> watchers(String channel) {
    ChannelLog log = logs.get(channel);
    return Future.succeededFuture(log == null ? List.of() : log.watchers());
  }

  @Override
  public Future<Void> forgetNode(String node) {
    logs.values().forEach(log -> log.watch(node, false));
    return Future.succeededFuture();
  }

  @Override
  public void sweep() {
    long now = clock.getAsLong();
    logs.values().removeIf(log -> log.sweep(now));
  }

  /** Channels this store holds state for. */
  public int channels() {
    return logs.size();
  }

  private ChannelLog log(String channel) {
    ChannelLog log = logs.get(channel);
    if (log == null) {
      NamespaceOptions options = namespaces.forChannel(channel);
      log = new ChannelLog(channel, RandomIds.epoch(), options.historySize(), options.historyTtlMs(), clock.getAsLong());
      logs.put(channel, log);
    }
    return log;
  }
}
