package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.herald.broker.impl.ChannelLog;
import io.herald.broker.impl.RecentAppends;
import io.herald.broker.impl.RememberedKey;
import io.herald.core.ChannelStore.Appended;
import io.herald.core.HistoryPage;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.StreamPosition;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How the broker's types are written in Hazelcast's serialization, each field sequence in one place: a channel's
 * {@link ChannelLog} (to backups and new owners) and the answers of its entry processors (back to the caller).
 * {@link ClusterSerialization} registers them; members must run the same version.
 */
final class HazelcastWire {

  private HazelcastWire() {
  }

  /** The log's {@link ChannelLog.Snapshot}: the copy recomputes its bytes. */
  static void writeLog(ObjectDataOutput out, ChannelLog log) throws IOException {
    ChannelLog.Snapshot snapshot = log.snapshot();
    out.writeString(snapshot.channel());
    writePosition(out, snapshot.position());
    out.writeInt(snapshot.historySize());
    out.writeLong(snapshot.ttlMs());
    out.writeLong(snapshot.lastAppendMs());
    writeMessages(out, snapshot.messages());
    writeStrings(out, snapshot.watchers());
    writeKeys(out, snapshot.keys());
    out.writeInt(snapshot.appends().size());
    for (RecentAppends.Entry append : snapshot.appends()) {
      out.writeLong(append.id());
      writePublication(out, append.result());
    }
  }

  static ChannelLog readLog(ObjectDataInput in) throws IOException {
    String channel = in.readString();
    StreamPosition position = readPosition(in);
    int historySize = in.readInt();
    long ttlMs = in.readLong();
    long lastAppendMs = in.readLong();
    List<Message> messages = readMessages(in, channel, position.epoch());
    List<String> watchers = readStrings(in);
    List<RememberedKey> keys = readKeys(in);
    int appendCount = in.readInt();
    List<RecentAppends.Entry> appends = new ArrayList<>(appendCount);
    for (int i = 0; i < appendCount; i++) {
      appends.add(new RecentAppends.Entry(in.readLong(), readPublication(in)));
    }
    return ChannelLog.restore(new ChannelLog.Snapshot(channel, position, historySize, ttlMs, lastAppendMs, messages,
        watchers, keys, appends));
  }

  static void writePosition(ObjectDataOutput out, StreamPosition position) throws IOException {
    out.writeString(position.epoch());
    out.writeLong(position.offset());
  }

  static StreamPosition readPosition(ObjectDataInput in) throws IOException {
    return new StreamPosition(in.readString(), in.readLong());
  }

  static void writePage(ObjectDataOutput out, HistoryPage page) throws IOException {
    // A page does not name its channel; its messages do, and it travels once for all of them.
    out.writeString(page.messages().isEmpty() ? null : page.messages().get(0).channel());
    writePosition(out, new StreamPosition(page.epoch(), page.latest()));
    out.writeLong(page.earliest());
    writeMessages(out, page.messages());
  }

  static HistoryPage readPage(ObjectDataInput in) throws IOException {
    String channel = in.readString();
    StreamPosition position = readPosition(in);
    long earliest = in.readLong();
    return new HistoryPage(position.epoch(), position.offset(), earliest, readMessages(in, channel, position.epoch()));
  }

  static void writeAppended(ObjectDataOutput out, Appended appended) throws IOException {
    writePublication(out, appended.publication());
    writeStrings(out, appended.watchers());
  }

  static Appended readAppended(ObjectDataInput in) throws IOException {
    return new Appended(readPublication(in), readStrings(in));
  }

  private static void writePublication(ObjectDataOutput out, Publication publication) throws IOException {
    out.writeString(publication.epoch());
    out.writeLong(publication.firstOffset());
    out.writeLongArray(publication.duplicateOf());
  }

  private static Publication readPublication(ObjectDataInput in) throws IOException {
    return new Publication(in.readString(), in.readLong(), in.readLongArray());
  }

  /** Messages of one channel and epoch: only offset, time and data are written. */
  private static void writeMessages(ObjectDataOutput out, Collection<Message> messages) throws IOException {
    out.writeInt(messages.size());
    for (Message m : messages) {
      out.writeLong(m.offset());
      out.writeLong(m.ts());
      out.writeByteArray(m.data().getBytes());
    }
  }

  private static List<Message> readMessages(ObjectDataInput in, String channel, String epoch) throws IOException {
    int count = in.readInt();
    List<Message> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long offset = in.readLong();
      long ts = in.readLong();
      messages.add(new Message(channel, epoch, offset, ts, Buffer.buffer(in.readByteArray())));
    }
    return messages;
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

  private static void writeStrings(ObjectDataOutput out, Collection<String> strings) throws IOException {
    out.writeInt(strings.size());
    for (String s : strings) {
      out.writeString(s);
    }
  }

  private static List<String> readStrings(ObjectDataInput in) throws IOException {
    int count = in.readInt();
    List<String> strings = new ArrayList<>(Math.max(2, count));
    for (int i = 0; i < count; i++) {
      strings.add(in.readString());
    }
    return strings;
  }
}
