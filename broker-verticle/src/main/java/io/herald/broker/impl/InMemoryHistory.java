package io.herald.broker.impl;

import io.herald.core.History;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.herald.core.config.NamespaceOptions;
import io.herald.core.config.Namespaces;
import io.vertx.core.Future;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * History of one sequencer shard, in memory: per channel a queue bounded by the namespace's
 * size and TTL. Not thread-safe: only its shard's event loop uses it.
 */
public final class InMemoryHistory implements History {

  private final Namespaces namespaces;
  private final LongSupplier clock;
  private final Map<String, ChannelLog> logs = new HashMap<>();

  public InMemoryHistory(Namespaces namespaces, LongSupplier clock) {
    this.namespaces = namespaces;
    this.clock = clock;
  }

  @Override
  public Future<StreamPosition> lastPosition(String channel) {
    ChannelLog log = logs.get(channel);
    return Future.succeededFuture(log == null ? null : new StreamPosition(log.epoch, log.latest));
  }

  @Override
  public Future<Void> append(Message message) {
    ChannelLog log = logs.computeIfAbsent(message.channel(), c -> new ChannelLog(namespaces.forChannel(c)));
    if (!message.epoch().equals(log.epoch)) {
      log.epoch = message.epoch();
      log.messages.clear();
    }
    log.latest = message.offset();
    log.lastAppendMs = clock.getAsLong();
    if (log.options.historySize() > 0) {
      log.messages.addLast(message);
      if (log.messages.size() > log.options.historySize()) {
        log.messages.removeFirst();
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<HistoryPage> read(HistoryQuery query) {
    ChannelLog log = logs.get(query.channel());
    if (log == null) {
      return Future.succeededFuture(null);
    }
    log.expire(clock.getAsLong());
    long earliest = log.messages.isEmpty() ? log.latest + 1 : log.messages.peekFirst().offset();
    List<Message> page = new ArrayList<>(Math.min(query.limit(), log.messages.size()));
    if (query.afterOffset() == HistoryQuery.LATEST) {
      int skip = Math.max(0, log.messages.size() - query.limit());
      Iterator<Message> it = log.messages.iterator();
      for (int i = 0; it.hasNext(); i++) {
        Message m = it.next();
        if (i >= skip) {
          page.add(m);
        }
      }
    } else {
      for (Message m : log.messages) {
        if (page.size() >= query.limit()) {
          break;
        }
        if (m.offset() > query.afterOffset()) {
          page.add(m);
        }
      }
    }
    return Future.succeededFuture(new HistoryPage(log.epoch, log.latest, earliest, page));
  }

  /**
   * Drops expired messages everywhere and forgets channels that hold none and have been idle
   * longer than their TTL (their next message starts a new epoch).
   */
  @Override
  public void sweep() {
    long now = clock.getAsLong();
    logs.values().removeIf(log -> {
      log.expire(now);
      return log.messages.isEmpty() && now - log.lastAppendMs > log.options.historyTtlMs();
    });
  }

  /** Channels this shard holds history state for. */
  public int channels() {
    return logs.size();
  }

  private static final class ChannelLog {
    final NamespaceOptions options;
    final ArrayDeque<Message> messages = new ArrayDeque<>();
    String epoch = "";
    long latest;
    long lastAppendMs;

    ChannelLog(NamespaceOptions options) {
      this.options = options;
    }

    void expire(long now) {
      long oldest = now - options.historyTtlMs();
      while (!messages.isEmpty() && messages.peekFirst().ts() < oldest) {
        messages.removeFirst();
      }
    }
  }
}
