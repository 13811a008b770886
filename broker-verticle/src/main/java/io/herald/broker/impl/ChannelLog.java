package io.herald.broker.impl;

import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.StreamPosition;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything kept about one channel: epoch, latest offset, the recent messages (bounded by its
 * namespace's history size and TTL, fixed when the channel starts) and the nodes watching it. Both
 * stores use it: the in-memory one in a map, the Hazelcast one as a map entry changed only by entry
 * processors on the partition's thread, copied to backups and migrations through its {@link Snapshot}. Not
 * thread-safe.
 */
public final class ChannelLog {

  /**
   * What one retained message costs besides its data, roughly: the Message, its Buffer wrappers, the
   * deque slot and the channel's share of the frame a replay caches. Close enough for a bound.
   */
  static final int MESSAGE_OVERHEAD_BYTES = 256;

  private final String channel;
  private final String epoch;
  private long latest;
  private final int historySize;
  private final long ttlMs;
  private long lastAppendMs;
  private final ArrayDeque<Message> messages = new ArrayDeque<>();
  /** {@link #cost} of {@link #messages} and {@link #keys}, kept up to date by every change (not copied: recomputed). */
  private long bytes;
  /**
   * Immutable, replaced when a node starts or stops watching (rare), so every append hands it out
   * without a copy. A handful of nodes at most: a list beats a set here.
   */
  private List<String> watchers = List.of();
  /** The idempotency keys of recent publishes; null until a publish brings one (most channels never do). */
  private IdempotencyKeys keys;
  /** The last few appends' results by their callers' ids; null until an append brings an id (the cluster store's do). */
  private RecentAppends appends;

  /** A channel that starts {@code epoch} at offset 0 at {@code now}, keeping its namespace's history. */
  public ChannelLog(String channel, String epoch, int historySize, long ttlMs, long now) {
    this.channel = channel;
    this.epoch = epoch;
    this.historySize = historySize;
    this.ttlMs = ttlMs;
    this.lastAppendMs = now;
  }

  /**
   * Everything a copy of a log is made of (a store that keeps channels elsewhere writes this, and reads it back
   * with {@link #restore}); the accounted bytes are not in it: the copy recomputes them.
   *
   * @param messages the retained messages, oldest first, expired or not
   * @param keys     the remembered idempotency keys, oldest first
   * @param appends  the last appends' results by id, oldest first
   */
  public record Snapshot(String channel, StreamPosition position, int historySize, long ttlMs, long lastAppendMs,
                         List<Message> messages, List<String> watchers, List<RememberedKey> keys,
                         List<RecentAppends.Entry> appends) {
  }

  public Snapshot snapshot() {
    return new Snapshot(channel, position(), historySize, ttlMs, lastAppendMs, List.copyOf(messages), watchers,
        keys == null ? List.of() : keys.remembered(), appends == null ? List.of() : appends.entries());
  }

  /** The log {@code snapshot} was taken of, its bytes recomputed. */
  public static ChannelLog restore(Snapshot snapshot) {
    ChannelLog log = new ChannelLog(snapshot.channel(), snapshot.position().epoch(), snapshot.historySize(),
        snapshot.ttlMs(), snapshot.lastAppendMs());
    log.latest = snapshot.position().offset();
    for (Message m : snapshot.messages()) {
      log.messages.addLast(m);
      log.bytes += cost(m.data());
    }
    log.watchers = List.copyOf(snapshot.watchers());
    if (!snapshot.keys().isEmpty()) {
      log.keys = IdempotencyKeys.restore(snapshot.keys());
      log.bytes += log.keys.bytes();
    }
    if (!snapshot.appends().isEmpty()) {
      log.appends = RecentAppends.restore(snapshot.appends());
    }
    return log;
  }

  public StreamPosition position() {
    return new StreamPosition(epoch, latest);
  }

  /**
   * Whether this log is {@code earlier}'s sequence carried on (or the same): the same epoch, at least its latest
   * offset, and the same message (data and time) at that offset. When either no longer holds that offset, the
   * two cannot be compared message by message and the offsets alone decide. Two copies of a channel that met after
   * a split brain are one line when one continues the other, a fork when neither does.
   */
  public boolean continues(ChannelLog earlier) {
    if (!epoch.equals(earlier.epoch) || latest < earlier.latest) {
      return false;
    }
    Message mine = at(earlier.latest);
    Message theirs = earlier.at(earlier.latest);
    return mine == null || theirs == null || mine.ts() == theirs.ts() && mine.data().equals(theirs.data());
  }

  /** The retained message at {@code offset}, expired or not, or null. */
  private Message at(long offset) {
    if (messages.isEmpty() || offset < messages.peekFirst().offset() || offset > messages.peekLast().offset()) {
      return null;
    }
    for (Message m : messages) {
      if (m.offset() == offset) {
        return m;
      }
    }
    return null;
  }

  /**
   * This log's messages, offsets and state under {@code newEpoch}, each message relabelled: what a fork found after
   * a split brain keeps, so a client holding a position of the old epoch is told that it cannot resume
   * ({@code recovery_failed}) instead of resuming into a sequence that differs from what it saw.
   */
  public ChannelLog relabelled(String newEpoch) {
    Snapshot s = snapshot();
    List<Message> renamed = s.messages().stream()
        .map(m -> new Message(m.channel(), newEpoch, m.offset(), m.ts(), m.data())).toList();
    // The remembered appends' results name the old epoch: an append run again now is appended under the new one.
    return restore(new Snapshot(s.channel(), new StreamPosition(newEpoch, latest), s.historySize(), s.ttlMs(),
        s.lastAppendMs(), renamed, s.watchers(), s.keys(), List.of()));
  }

  /** Adds {@code other}'s watching nodes to this log's. */
  public void watchAlso(ChannelLog other) {
    other.watchers.forEach(node -> watch(node, true));
  }

  /** Appends {@code data} with the next offsets; returns the first one. */
  public long append(List<Buffer> data, long ts) {
    long first = latest + 1;
    for (Buffer d : data) {
      latest++;
      if (historySize > 0) {
        messages.addLast(new Message(channel, epoch, latest, ts, d));
        bytes += cost(d);
        if (messages.size() > historySize) {
          removeOldest();
        }
      }
    }
    lastAppendMs = ts;
    expire(ts);
    return first;
  }

  /**
   * Appends {@code data} as {@link #append(List, long)} does, but a message whose idempotency key ({@code keys}
   * null: none; else one per message, null for a message without) the channel published within the window is
   * not appended again: the result gives the offset it got then. A new key is remembered for {@code windowMs};
   * the channel keeps at most {@code maxKeys}. A window of 0 turns keys off.
   */
  public Publication append(List<Buffer> data, List<String> keys, long ts, long windowMs, int maxKeys) {
    if (keys == null || windowMs <= 0) {
      return Publication.of(epoch, append(data, ts));
    }
    long first = latest + 1;
    long[] duplicateOf = null;
    List<Buffer> fresh = new ArrayList<>(data.size());
    expireKeys(ts);
    for (int i = 0; i < data.size(); i++) {
      String key = keys.get(i);
      long earlier = key == null || this.keys == null ? 0 : this.keys.offsetOf(key, ts);
      if (earlier != 0) {
        if (duplicateOf == null) {
          duplicateOf = new long[data.size()];
        }
        duplicateOf[i] = earlier;
        continue;
      }
      fresh.add(data.get(i));
      if (key != null) {
        if (this.keys == null) {
          this.keys = new IdempotencyKeys();
        }
        long before = this.keys.bytes();
        this.keys.remember(key, first + fresh.size() - 1, ts + windowMs, maxKeys);
        bytes += this.keys.bytes() - before;
      }
    }
    if (!fresh.isEmpty()) {
      append(fresh, ts);
    }
    return new Publication(epoch, first, duplicateOf);
  }

  /**
   * Appends as {@link #append(List, List, long, long, int)} does, once per {@code appendId}: an append whose id is
   * among the last few ({@link RecentAppends}: Hazelcast ran it again) is answered with its first result, and nothing
   * is appended.
   */
  public Publication append(long appendId, List<Buffer> data, List<String> keys, long ts, long windowMs, int maxKeys) {
    Publication earlier = appends == null ? null : appends.resultOf(appendId);
    if (earlier != null) {
      return earlier;
    }
    Publication appended = append(data, keys, ts, windowMs, maxKeys);
    if (appends == null) {
      appends = new RecentAppends();
    }
    appends.remember(appendId, appended);
    return appended;
  }

  /** The messages {@code query} asks for that have not expired by {@code now}, with the position. */
  public HistoryPage read(HistoryQuery query, long now) {
    long oldestKept = now - ttlMs;
    List<Message> live = new ArrayList<>(Math.min(query.limit(), messages.size()));
    long earliest = latest + 1;
    for (Message m : messages) {
      if (m.ts() >= oldestKept) {
        earliest = Math.min(earliest, m.offset());
        if (query.afterOffset() == HistoryQuery.LATEST || m.offset() > query.afterOffset()) {
          live.add(m);
        }
      }
    }
    List<Message> page;
    if (query.afterOffset() == HistoryQuery.LATEST) {
      page = live.subList(Math.max(0, live.size() - query.limit()), live.size());
    } else {
      page = live.subList(0, Math.min(query.limit(), live.size()));
    }
    return new HistoryPage(epoch, latest, earliest, List.copyOf(page));
  }

  /** Adds or removes a watching node; returns whether that changed anything. */
  public boolean watch(String node, boolean watching) {
    if (watching == watchers.contains(node)) {
      return false;
    }
    List<String> changed = new ArrayList<>(watchers);
    if (watching) {
      changed.add(node);
    } else {
      changed.remove(node);
    }
    watchers = List.copyOf(changed);
    return true;
  }

  public List<String> watchers() {
    return watchers;
  }

  /**
   * Drops expired messages; returns whether the channel can be forgotten: no messages, no watchers and
   * no append for longer than the TTL (its next message then starts a new epoch).
   */
  public boolean sweep(long now) {
    expire(now);
    expireKeys(now);
    return messages.isEmpty() && watchers.isEmpty() && keys == null && now - lastAppendMs > ttlMs;
  }

  /** Forgets the idempotency keys whose window is over by {@code now}, and their bytes. */
  private void expireKeys(long now) {
    if (keys != null) {
      long before = keys.bytes();
      keys.expire(now);
      bytes += keys.bytes() - before;
      if (keys.isEmpty()) {
        keys = null;
      }
    }
  }

  private void expire(long now) {
    long oldestKept = now - ttlMs;
    while (!messages.isEmpty() && messages.peekFirst().ts() < oldestKept) {
      removeOldest();
    }
  }

  /**
   * Drops the oldest messages until at least {@code wanted} bytes are freed or none is left (the node is
   * over broker.max_history_bytes); returns the bytes freed. Offsets and epoch stay: a client recovering
   * from a dropped range gets recovery_failed, as after a trim by size or TTL.
   */
  public long evictOldest(long wanted) {
    long before = bytes;
    while (!messages.isEmpty() && before - bytes < wanted) {
      removeOldest();
    }
    // Then the oldest idempotency keys: a repeat of a forgotten one is published again.
    while (keys != null && !keys.isEmpty() && before - bytes < wanted) {
      bytes -= keys.removeOldest();
    }
    return before - bytes;
  }

  private void removeOldest() {
    bytes -= cost(messages.removeFirst().data());
  }

  /** The accounted size of a retained message with {@code data}. */
  static long cost(Buffer data) {
    return data.length() + MESSAGE_OVERHEAD_BYTES;
  }

  /** Accounted bytes of the retained messages and idempotency keys (broker.max_history_bytes counts these). */
  public long bytes() {
    return bytes;
  }

  /** When the channel's last append was (its creation if none). */
  public long lastAppendMs() {
    return lastAppendMs;
  }

  /** Whether no node watches the channel. */
  public boolean unwatched() {
    return watchers.isEmpty();
  }

  /** Messages held, expired or not. */
  public int size() {
    return messages.size();
  }
}
