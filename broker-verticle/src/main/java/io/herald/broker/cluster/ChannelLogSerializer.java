package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import io.herald.broker.impl.ChannelLog;
import io.herald.broker.impl.RememberedKey;
import io.herald.core.Message;
import io.herald.core.StreamPosition;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a channel's {@link ChannelLog} travels between members (backups, migrations): its {@link ChannelLog.Snapshot}
 * field by field. The log itself knows nothing of Hazelcast; {@link ClusterSerialization} registers this.
 */
final class ChannelLogSerializer implements StreamSerializer<ChannelLog> {

  /** "HR": Hazelcast's own type ids are negative; a custom serializer's must be positive and unique in the member. */
  static final int TYPE_ID = 0x4852;

  @Override
  public int getTypeId() {
    return TYPE_ID;
  }

  @Override
  public void write(ObjectDataOutput out, ChannelLog log) throws IOException {
    ChannelLog.Snapshot snapshot = log.snapshot();
    out.writeString(snapshot.channel());
    HazelcastWire.writePosition(out, snapshot.position());
    out.writeInt(snapshot.historySize());
    out.writeLong(snapshot.ttlMs());
    out.writeLong(snapshot.lastAppendMs());
    HazelcastWire.writeMessages(out, snapshot.messages());
    HazelcastWire.writeStrings(out, snapshot.watchers());
    writeKeys(out, snapshot.keys());
  }

  @Override
  public ChannelLog read(ObjectDataInput in) throws IOException {
    String channel = in.readString();
    StreamPosition position = HazelcastWire.readPosition(in);
    int historySize = in.readInt();
    long ttlMs = in.readLong();
    long lastAppendMs = in.readLong();
    List<Message> messages = HazelcastWire.readMessages(in, channel, position.epoch());
    List<String> watchers = HazelcastWire.readStrings(in);
    return ChannelLog.restore(new ChannelLog.Snapshot(channel, position, historySize, ttlMs, lastAppendMs, messages,
        watchers, readKeys(in)));
  }

  private static void writeKeys(ObjectDataOutput out, List<RememberedKey> keys) throws IOException {
    out.writeInt(keys.size());
    for (RememberedKey k : keys) {
      out.writeString(k.key());
      out.writeLong(k.offset());
      out.writeLong(k.expiresAtMs());
    }
  }

  private static List<RememberedKey> readKeys(ObjectDataInput in) throws IOException {
    int count = in.readInt();
    List<RememberedKey> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(new RememberedKey(in.readString(), in.readLong(), in.readLong()));
    }
    return keys;
  }
}
