package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.herald.broker.impl.ChannelLog;
import io.herald.core.ChannelStore.Appended;
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

  /**
   * Appends messages with the next offsets (at the start's time), skipping repeated idempotency keys; answers the
   * first offset, the repeats' offsets and the watchers, or null: the channel is unknown and the start may not
   * create it. Run again with the same {@code appendId} (Hazelcast retries an invocation whose member left before
   * answering, on the copy promoted from the backup) it answers the first run's result and appends nothing.
   */
  public static final class Append extends EntryOp<ChannelLog, Appended> {
    private long appendId;
    private ChannelStart start;
    private List<Buffer> data;
    /** Null when no message has a key. */
    private List<String> keys;
    private long keyWindowMs;
    private int maxKeys;

    public Append() {
    }

    Append(long appendId, ChannelStart start, List<Buffer> data, List<String> keys, long keyWindowMs, int maxKeys) {
      this.appendId = appendId;
      this.start = start;
      this.data = data;
      this.keys = keys;
      this.keyWindowMs = keyWindowMs;
      this.maxKeys = maxKeys;
    }

    @Override
    public Appended process(Map.Entry<String, ChannelLog> entry) {
      boolean known = entry.getValue() != null;
      if (!known && !start.mayCreate()) {
        return null;
      }
      ChannelLog log = known ? entry.getValue() : start.newLog(entry.getKey());
      Publication appended = log.append(appendId, data, keys, start.now(), keyWindowMs, maxKeys);
      entry.setValue(log);
      return new Appended(appended, log.watchers());
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(appendId);
      start.writeTo(out);
      out.writeInt(data.size());
      for (Buffer d : data) {
        out.writeByteArray(d.getBytes());
      }
      out.writeStringArray(keys == null ? null : keys.toArray(String[]::new));
      out.writeLong(keyWindowMs);
      out.writeInt(maxKeys);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      appendId = in.readLong();
      start = ChannelStart.readFrom(in);
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
  public static final class Position extends ReadOnlyEntryOp<ChannelLog, StreamPosition> {
    /** What an unknown channel answers. */
    private String epoch;

    public Position() {
    }

    Position(String epoch) {
      this.epoch = epoch;
    }

    @Override
    public StreamPosition process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      return log == null ? new StreamPosition(epoch, 0) : log.position();
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(epoch);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      epoch = in.readString();
    }
  }

  /**
   * A page of history with the position, of the messages unexpired at {@code now}; an unknown channel is empty, as
   * for {@link Position}, and not stored.
   */
  public static final class Read extends ReadOnlyEntryOp<ChannelLog, HistoryPage> {
    /** What an unknown channel answers. */
    private String epoch;
    private long now;
    private long afterOffset;
    private int limit;

    public Read() {
    }

    Read(String epoch, long now, HistoryQuery query) {
      this.epoch = epoch;
      this.now = now;
      this.afterOffset = query.afterOffset();
      this.limit = query.limit();
    }

    @Override
    public HistoryPage process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      return log == null ? new HistoryPage(epoch, 0, 1, List.of())
          : log.read(new HistoryQuery(entry.getKey(), afterOffset, limit), now);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(epoch);
      out.writeLong(now);
      out.writeLong(afterOffset);
      out.writeInt(limit);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      epoch = in.readString();
      now = in.readLong();
      afterOffset = in.readLong();
      limit = in.readInt();
    }
  }

  /**
   * Adds a node to the channel's watchers or removes it; answers what the change did to the channel's occupancy, or
   * null: the channel is unknown and the start may not create it.
   */
  public static final class Watch extends EntryOp<ChannelLog, Occupancy> {
    private ChannelStart start;
    private String node;
    private boolean watching;

    public Watch() {
    }

    Watch(ChannelStart start, String node, boolean watching) {
      this.start = start;
      this.node = node;
      this.watching = watching;
    }

    @Override
    public Occupancy process(Map.Entry<String, ChannelLog> entry) {
      boolean known = entry.getValue() != null;
      if (!known && !watching) {
        return Occupancy.UNCHANGED;
      }
      if (!known && !start.mayCreate()) {
        return null;
      }
      ChannelLog log = known ? entry.getValue() : start.newLog(entry.getKey());
      boolean unwatched = log.unwatched();
      if (log.watch(node, watching) || !known) {
        entry.setValue(log);
      }
      return Occupancy.of(unwatched, log.unwatched());
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      start.writeTo(out);
      out.writeString(node);
      out.writeBoolean(watching);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      start = ChannelStart.readFrom(in);
      node = in.readString();
      watching = in.readBoolean();
    }
  }

  /** The nodes watching the channel. */
  public static final class Watchers extends ReadOnlyEntryOp<ChannelLog, List<String>> {

    @Override
    public List<String> process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      return log == null ? List.of() : new ArrayList<>(log.watchers());
    }
  }

  /** Removes a node that left the cluster from every channel's watchers; answers TRUE for a channel that left vacant. */
  public static final class ForgetNode extends EntryOp<ChannelLog, Boolean> {
    private String node;

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

  /** A channel's last append time and retained bytes ({@code [lastAppendMs, bytes]}). */
  public static final class Usage extends ReadOnlyEntryOp<ChannelLog, long[]> {

    @Override
    public long[] process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      return log == null ? new long[] {0, 0} : of(log);
    }

    static long[] of(ChannelLog log) {
      return new long[] {log.lastAppendMs(), log.bytes()};
    }
  }

  /** Drops every retained message of the channel (its offsets and epoch stay): the member is over broker.max_history_bytes. */
  public static final class DropHistory extends EntryOp<ChannelLog, Void> {

    @Override
    public Void process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      if (log != null && log.evictOldest(Long.MAX_VALUE) > 0) {
        entry.setValue(log);
      }
      return null;
    }
  }

  /**
   * Drops expired messages and removes channels that {@link ChannelLog#sweep} says can go; answers what a kept
   * channel holds afterwards, as {@link Usage} does (null for a removed one), so the sweep measures in the same pass.
   */
  public static final class Sweep extends EntryOp<ChannelLog, long[]> {
    private long now;

    public Sweep() {
    }

    Sweep(long now) {
      this.now = now;
    }

    @Override
    public long[] process(Map.Entry<String, ChannelLog> entry) {
      ChannelLog log = entry.getValue();
      if (log == null) {
        return null;
      }
      long held = log.bytes(); // messages and idempotency keys
      if (log.sweep(now)) {
        entry.setValue(null);
        return null;
      }
      if (log.bytes() != held) {
        entry.setValue(log);
      }
      return Usage.of(log);
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
}
