package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.herald.broker.impl.ChannelLog;

import java.io.IOException;

/**
 * How a channel unknown to the store starts, for an op that may create it: the caller's epoch, its namespace's
 * history, the time of the operation, and whether this call may create it at all (the caller knows why not). The
 * caller picks all of it, so the op stays deterministic on the backup.
 */
record ChannelStart(String epoch, int historySize, long ttlMs, long now, boolean mayCreate) {

  /** The log of {@code channel} as it starts: not yet stored. */
  ChannelLog newLog(String channel) {
    return new ChannelLog(channel, epoch, historySize, ttlMs, now);
  }

  void writeTo(ObjectDataOutput out) throws IOException {
    out.writeString(epoch);
    out.writeInt(historySize);
    out.writeLong(ttlMs);
    out.writeLong(now);
    out.writeBoolean(mayCreate);
  }

  static ChannelStart readFrom(ObjectDataInput in) throws IOException {
    return new ChannelStart(in.readString(), in.readInt(), in.readLong(), in.readLong(), in.readBoolean());
  }
}
