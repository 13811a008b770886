package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.herald.core.HistoryPage;
import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How the parts of a channel travel in Hazelcast's serialization (backups, migrations, replies), each written
 * in one place: a position, a page of history, messages, node lists.
 */
final class HazelcastWire {

  private HazelcastWire() {
  }

  static void writePosition(ObjectDataOutput out, StreamPosition position) throws IOException {
    out.writeString(position.epoch());
    out.writeLong(position.offset());
  }

  static StreamPosition readPosition(ObjectDataInput in) throws IOException {
    return new StreamPosition(in.readString(), in.readLong());
  }

  /** A page of one channel: the channel is the reader's to know. */
  static void writePage(ObjectDataOutput out, HistoryPage page) throws IOException {
    writePosition(out, new StreamPosition(page.epoch(), page.latest()));
    out.writeLong(page.earliest());
    writeMessages(out, page.messages());
  }

  static HistoryPage readPage(ObjectDataInput in, String channel) throws IOException {
    StreamPosition position = readPosition(in);
    long earliest = in.readLong();
    return new HistoryPage(position.epoch(), position.offset(), earliest, readMessages(in, channel, position.epoch()));
  }

  /** Messages of one channel and epoch: only offset, time and data are written. */
  static void writeMessages(ObjectDataOutput out, Collection<Message> messages) throws IOException {
    out.writeInt(messages.size());
    for (Message m : messages) {
      out.writeLong(m.offset());
      out.writeLong(m.ts());
      out.writeByteArray(m.data().getBytes());
    }
  }

  static List<Message> readMessages(ObjectDataInput in, String channel, String epoch) throws IOException {
    int count = in.readInt();
    List<Message> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long offset = in.readLong();
      long ts = in.readLong();
      messages.add(new Message(channel, epoch, offset, ts, Buffer.buffer(in.readByteArray())));
    }
    return messages;
  }

  static void writeStrings(ObjectDataOutput out, Collection<String> strings) throws IOException {
    out.writeInt(strings.size());
    for (String s : strings) {
      out.writeString(s);
    }
  }

  static List<String> readStrings(ObjectDataInput in) throws IOException {
    int count = in.readInt();
    List<String> strings = new ArrayList<>(Math.max(2, count));
    for (int i = 0; i < count; i++) {
      strings.add(in.readString());
    }
    return strings;
  }
}
