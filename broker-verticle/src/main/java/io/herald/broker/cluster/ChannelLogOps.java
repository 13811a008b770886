package io.herald.broker.cluster;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.herald.broker.impl.ChannelLog;
import io.herald.core.HistoryQuery;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.ArrayList;
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

    LogOp() {
    }

    LogOp(ChannelStart start) {
      this.epoch = start.epoch();
      this.historySize = start.historySize();
      this.ttlMs = start.ttlMs();
      this.now = start.now();
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
      writeArgs(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      epoch = in.readString();
      historySize = in.readInt();
      ttlMs = in.readLong();
      now = in.readLong();
      readArgs(in);
    }

    void writeArgs(ObjectDataOutput out) throws IOException {
    }

    void readArgs(ObjectDataInput in) throws IOException {
    }
  }

  /** Appends messages with the next offsets (at time {@code now}); answers the first offset and the watchers. */
  public static final class Append extends LogOp<StoreReply> {
    List<Buffer> data;

    public Append() {
    }

    Append(ChannelStart start, List<Buffer> data) {
      super(start);
      this.data = data;
    }

    @Override
    public StoreReply process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = log(entry);
      long first = log.append(data, now);
      entry.setValue(log);
      StoreReply reply = new StoreReply(entry.getKey(), log.position());
      reply.offset = first;
      reply.watchers = log.watchers();
      return reply;
    }

    @Override
    void writeArgs(ObjectDataOutput out) throws IOException {
      out.writeInt(data.size());
      for (Buffer d : data) {
        out.writeByteArray(d.getBytes());
      }
    }

    @Override
    void readArgs(ObjectDataInput in) throws IOException {
      int count = in.readInt();
      data = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        data.add(Buffer.buffer(in.readByteArray()));
      }
    }
  }

  /** The channel's position; an unknown channel is stored at offset 0 of the caller's epoch. */
  public static final class Position extends LogOp<StoreReply> {

    public Position() {
    }

    Position(ChannelStart start) {
      super(start);
    }

    @Override
    public StoreReply process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = stored(entry, this);
      return new StoreReply(entry.getKey(), log.position());
    }
  }

  /** A page of history with the position; an unknown channel is stored as {@link Position} stores it. */
  public static final class Read extends LogOp<StoreReply> {
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
      ChannelLog log = stored(entry, this);
      return StoreReply.of(entry.getKey(), log.read(new HistoryQuery(entry.getKey(), afterOffset, limit), now));
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

  /** Adds a node to the channel's watchers or removes it. */
  public static final class Watch extends LogOp<Void> {
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
    public Void process(Map.Entry<String, ChannelLog> entry) {
      if (entry.getValue() == null && !watching) {
        return null;
      }
      ChannelLog log = log(entry);
      if (log.watch(node, watching) || entry.getValue() == null) {
        entry.setValue(log);
      }
      return null;
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

  /** Removes a node that left the cluster from every channel's watchers. */
  public static final class ForgetNode implements EntryProcessor<String, ChannelLog, Void>, DataSerializable {
    String node;

    public ForgetNode() {
    }

    ForgetNode(String node) {
      this.node = node;
    }

    @Override
    public Void process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      if (log != null && log.watch(node, false)) {
        entry.setValue(log);
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
        int held = log.size();
        if (log.sweep(now)) {
          entry.setValue(null);
        } else if (log.size() != held) {
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

  /** The channel's log, stored first if the channel was unknown. */
  private static ChannelLog stored(Map.Entry<String, ChannelLog> entry, LogOp<?> op) {
    ChannelLog log = entry.getValue();
    if (log == null) {
      log = op.log(entry);
      entry.setValue(log);
    }
    return log;
  }

  /** How a channel starts if it is unknown: the caller's epoch, its namespace's history, the time. */
  record ChannelStart(String epoch, int historySize, long ttlMs, long now) {
  }
}
