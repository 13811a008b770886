package io.herald.broker.cluster;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.herald.broker.impl.ChannelLog;
import io.herald.core.ChannelStore.Occupancy;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Publication;
import io.herald.core.StreamPosition;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The entry processors that read and change a channel's {@link ChannelLog} where its partition lives,
 * on the partition's thread, one at a time. Each is deterministic (the caller picks the epoch of a
 * channel that starts and the clock reading), so Hazelcast replays the same processor on the backup
 * and the backup ends up identical.
 */
final class ChannelLogOps {

  private ChannelLogOps() {
  }

  /** How a channel unknown to the store starts, and the time of the operation. */
  abstract static class LogOp<R> implements EntryProcessor<String, ChannelLog, R>, DataSerializable {
    String epoch;
    int historySize;
    long ttlMs;
    long now;
    /** The ErrorCode ordinal an unknown channel is refused with instead of being created, or -1: create it. */
    int refuse = -1;

    LogOp() {
    }

    LogOp(ChannelStart start) {
      this.epoch = start.epoch();
      this.historySize = start.historySize();
      this.ttlMs = start.ttlMs();
      this.now = start.now();
      this.refuse = start.refuse();
    }

    /** The channel's log; a new one (not yet stored) when the channel is unknown. */
    ChannelLog log(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      return log != null ? log : new ChannelLog(entry.getKey(), epoch, historySize, ttlMs, now);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(epoch);
      out.writeInt(historySize);
      out.writeLong(ttlMs);
      out.writeLong(now);
      out.writeInt(refuse);
      writeArgs(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      epoch = in.readString();
      historySize = in.readInt();
      ttlMs = in.readLong();
      now = in.readLong();
      refuse = in.readInt();
      readArgs(in);
    }

    void writeArgs(ObjectDataOutput out) throws IOException {
    }

    void readArgs(ObjectDataInput in) throws IOException {
    }
  }

  /**
   * Appends messages with the next offsets (at time {@code now}), skipping repeated idempotency keys; answers the
   * first offset, the repeats' offsets and the watchers.
   */
  public static final class Append extends LogOp<StoreReply> {
    List<Buffer> data;
    /** Null when no message has a key. */
    List<String> keys;
    long keyWindowMs;
    int maxKeys;

    public Append() {
    }

    Append(ChannelStart start, List<Buffer> data, List<String> keys, long keyWindowMs, int maxKeys) {
      super(start);
      this.data = data;
      this.keys = keys;
      this.keyWindowMs = keyWindowMs;
      this.maxKeys = maxKeys;
    }

    @Override
    public StoreReply process(Map.Entry<String, ChannelLog> entry) {
      if (entry.getValue() == null && refuse >= 0) {
        StoreReply refused = new StoreReply(entry.getKey(), new StreamPosition(epoch, 0));
        refused.refused = refuse;
        return refused;
      }
      ChannelLog log = log(entry);
      Publication appended = log.append(data, keys, now, keyWindowMs, maxKeys);
      entry.setValue(log);
      StoreReply reply = new StoreReply(entry.getKey(), log.position());
      reply.offset = appended.firstOffset();
      reply.duplicateOf = appended.duplicateOf();
      reply.watchers = log.watchers();
      return reply;
    }

    @Override
    void writeArgs(ObjectDataOutput out) throws IOException {
      out.writeInt(data.size());
      for (Buffer d : data) {
        out.writeByteArray(d.getBytes());
      }
      out.writeStringArray(keys == null ? null : keys.toArray(String[]::new));
      out.writeLong(keyWindowMs);
      out.writeInt(maxKeys);
    }

    @Override
    void readArgs(ObjectDataInput in) throws IOException {
      int count = in.readInt();
      data = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        data.add(Buffer.buffer(in.readByteArray()));
      }
      String[] readKeys = in.readStringArray();
      keys = readKeys == null ? null : Arrays.asList(readKeys);
      keyWindowMs = in.readLong();
      maxKeys = in.readInt();
    }
  }

  /** The channel's position; an unknown channel answers offset 0 of the caller's epoch and is not stored. */
  public static final class Position extends LogOp<StoreReply> implements ReadOnly {

    public Position() {
    }

    Position(ChannelStart start) {
      super(start);
    }

    @Override
    public StoreReply process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      return new StoreReply(entry.getKey(), log == null ? new StreamPosition(epoch, 0) : log.position());
    }

    @Override
    public EntryProcessor<String, ChannelLog, StoreReply> getBackupProcessor() {
      return null;
    }
  }

  /** A page of history with the position; an unknown channel is empty, as for {@link Position}, and not stored. */
  public static final class Read extends LogOp<StoreReply> implements ReadOnly {
    long afterOffset;
    int limit;

    public Read() {
    }

    Read(ChannelStart start, HistoryQuery query) {
      super(start);
      this.afterOffset = query.afterOffset();
      this.limit = query.limit();
    }

    @Override
    public StoreReply process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      return StoreReply.of(entry.getKey(), log == null ? new HistoryPage(epoch, 0, 1, List.of())
          : log.read(new HistoryQuery(entry.getKey(), afterOffset, limit), now));
    }

    @Override
    public EntryProcessor<String, ChannelLog, StoreReply> getBackupProcessor() {
      return null;
    }

    @Override
    void writeArgs(ObjectDataOutput out) throws IOException {
      out.writeLong(afterOffset);
      out.writeInt(limit);
    }

    @Override
    void readArgs(ObjectDataInput in) throws IOException {
      afterOffset = in.readLong();
      limit = in.readInt();
    }
  }

  /**
   * Adds a node to the channel's watchers or removes it; answers the ErrorCode ordinal an unknown channel
   * was refused with, or what the change did to the channel's occupancy.
   */
  public static final class Watch extends LogOp<WatchReply> {
    String node;
    boolean watching;

    public Watch() {
    }

    Watch(ChannelStart start, String node, boolean watching) {
      super(start);
      this.node = node;
      this.watching = watching;
    }

    @Override
    public WatchReply process(Map.Entry<String, ChannelLog> entry) {
      if (entry.getValue() == null && !watching) {
        return WatchReply.of(Occupancy.UNCHANGED);
      }
      if (entry.getValue() == null && refuse >= 0) {
        return WatchReply.refused(refuse);
      }
      ChannelLog log = log(entry);
      boolean unwatched = log.unwatched();
      if (log.watch(node, watching) || entry.getValue() == null) {
        entry.setValue(log);
      }
      return WatchReply.of(Occupancy.of(unwatched, log.unwatched()));
    }

    @Override
    void writeArgs(ObjectDataOutput out) throws IOException {
      out.writeString(node);
      out.writeBoolean(watching);
    }

    @Override
    void readArgs(ObjectDataInput in) throws IOException {
      node = in.readString();
      watching = in.readBoolean();
    }
  }

  /** The nodes watching the channel; changes nothing. */
  public static final class Watchers implements EntryProcessor<String, ChannelLog, List<String>>, ReadOnly {

    @Override
    public List<String> process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      return log == null ? List.of() : new ArrayList<>(log.watchers());
    }

    @Override
    public EntryProcessor<String, ChannelLog, List<String>> getBackupProcessor() {
      return null;
    }
  }

  /** Removes a node that left the cluster from every channel's watchers; answers TRUE for a channel that left vacant. */
  public static final class ForgetNode implements EntryProcessor<String, ChannelLog, Boolean>, DataSerializable {
    String node;

    public ForgetNode() {
    }

    ForgetNode(String node) {
      this.node = node;
    }

    @Override
    public Boolean process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      if (log != null && log.watch(node, false)) {
        entry.setValue(log);
        return log.unwatched() ? Boolean.TRUE : null;
      }
      return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(node);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      node = in.readString();
    }
  }

  /** A channel's last append time and retained bytes ({@code [lastAppendMs, bytes]}); changes nothing. */
  public static final class Usage implements EntryProcessor<String, ChannelLog, long[]>, ReadOnly {

    @Override
    public long[] process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      return log == null ? new long[] {0, 0} : new long[] {log.lastAppendMs(), log.bytes()};
    }

    @Override
    public EntryProcessor<String, ChannelLog, long[]> getBackupProcessor() {
      return null;
    }
  }

  /** Drops every retained message of the channel (its offsets and epoch stay): the member is over broker.max_history_bytes. */
  public static final class DropHistory implements EntryProcessor<String, ChannelLog, Void>, DataSerializable {

    @Override
    public Void process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      if (log != null && log.evictOldest(Long.MAX_VALUE) > 0) {
        entry.setValue(log);
      }
      return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
    }

    @Override
    public void readData(ObjectDataInput in) {
    }
  }

  /** Drops expired messages and removes channels that {@link ChannelLog#sweep} says can go. */
  public static final class Sweep implements EntryProcessor<String, ChannelLog, Void>, DataSerializable {
    long now;

    public Sweep() {
    }

    Sweep(long now) {
      this.now = now;
    }

    @Override
    public Void process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      if (log != null) {
        long held = log.bytes(); // messages and idempotency keys
        if (log.sweep(now)) {
          entry.setValue(null);
        } else if (log.bytes() != held) {
          entry.setValue(log);
        }
      }
      return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(now);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      now = in.readLong();
    }
  }

  /**
   * How a channel starts if it is unknown: the caller's epoch, its namespace's history, the time, and
   * whether it may be created ({@code refuse} -1) or is refused with that ErrorCode ordinal.
   */
  record ChannelStart(String epoch, int historySize, long ttlMs, long now, int refuse) {
  }
}
