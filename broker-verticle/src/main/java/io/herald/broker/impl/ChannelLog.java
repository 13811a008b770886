package io.herald.broker.impl;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.StreamPosition;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything kept about one channel: epoch, latest offset, the recent messages (bounded by its
 * namespace's history size and TTL, fixed when the channel starts) and the nodes watching it. Both
 * stores use it: the in-memory one in a map, the Hazelcast one as a map entry changed only by entry
 * processors on the partition's thread. Not thread-safe.
 */
public final class ChannelLog implements DataSerializable {

  /**
   * What one retained message costs besides its data, roughly: the Message, its Buffer wrappers, the
   * deque slot and the channel's share of the frame a replay caches. Close enough for a bound.
   */
  static final int MESSAGE_OVERHEAD_BYTES = 256;

  private String channel;
  private String epoch;
  private long latest;
  private int historySize;
  private long ttlMs;
  private long lastAppendMs;
  private ArrayDeque<Message> messages = new ArrayDeque<>();
  /** {@link #cost} of {@link #messages}, kept up to date by every change (not serialized: recomputed). */
  private long bytes;
  /**
   * Immutable, replaced when a node starts or stops watching (rare), so every append hands it out
   * without a copy. A handful of nodes at most: a list beats a set here.
   */
  private List<String> watchers = List.of();
  /** The idempotency keys of recent publishes; null until a publish brings one (most channels never do). */
  private IdempotencyKeys keys;

  /** For Hazelcast's deserialization only. */
  public ChannelLog() {
  }

  /** A channel that starts {@code epoch} at offset 0 at {@code now}, keeping its namespace's history. */
  public ChannelLog(String channel, String epoch, int historySize, long ttlMs, long now) {
    this.channel = channel;
    this.epoch = epoch;
    this.historySize = historySize;
    this.ttlMs = ttlMs;
    this.lastAppendMs = now;
  }

  public StreamPosition position() {
    return new StreamPosition(epoch, latest);
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

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(channel);
    out.writeString(epoch);
    out.writeLong(latest);
    out.writeInt(historySize);
    out.writeLong(ttlMs);
    out.writeLong(lastAppendMs);
    HazelcastWire.writeMessages(out, messages);
    HazelcastWire.writeStrings(out, watchers);
    if (keys == null) {
      out.writeInt(0);
    } else {
      keys.writeTo(out);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    channel = in.readString();
    epoch = in.readString();
    latest = in.readLong();
    historySize = in.readInt();
    ttlMs = in.readLong();
    lastAppendMs = in.readLong();
    messages = new ArrayDeque<>(HazelcastWire.readMessages(in, channel, epoch));
    bytes = 0;
    messages.forEach(m -> bytes += cost(m.data()));
    watchers = List.copyOf(HazelcastWire.readStrings(in));
    keys = IdempotencyKeys.readFrom(in);
    if (keys != null) {
      bytes += keys.bytes();
    }
  }

  /** Messages held, expired or not. */
  public int size() {
    return messages.size();
  }
}
