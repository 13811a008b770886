package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.herald.core.HistoryPage;
import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of a {@link ChannelLogOps channel operation} as it comes back from the partition owner:
 * a position, optionally with a page of messages and the watching nodes.
 */
public final class StoreReply implements DataSerializable {

  String channel;
  String epoch;
  /** The latest offset, or the first offset an append assigned. */
  long offset;
  long earliest;
  List<Message> messages = List.of();
  List<String> watchers = List.of();

  /** For Hazelcast's deserialization only. */
  public StoreReply() {
  }

  StoreReply(String channel, StreamPosition position) {
    this.channel = channel;
    this.epoch = position.epoch();
    this.offset = position.offset();
  }

  static StoreReply of(String channel, HistoryPage page) {
    StoreReply reply = new StoreReply(channel, new StreamPosition(page.epoch(), page.latest()));
    reply.earliest = page.earliest();
    reply.messages = page.messages();
    return reply;
  }

  StreamPosition position() {
    return new StreamPosition(epoch, offset);
  }

  HistoryPage page() {
    return new HistoryPage(epoch, offset, earliest, messages);
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(channel);
    out.writeString(epoch);
    out.writeLong(offset);
    out.writeLong(earliest);
    out.writeInt(messages.size());
    for (Message m : messages) {
      out.writeLong(m.offset());
      out.writeLong(m.ts());
      out.writeByteArray(m.data().getBytes());
    }
    out.writeInt(watchers.size());
    for (String w : watchers) {
      out.writeString(w);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    channel = in.readString();
    epoch = in.readString();
    offset = in.readLong();
    earliest = in.readLong();
    int count = in.readInt();
    List<Message> read = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long o = in.readLong();
      long ts = in.readLong();
      read.add(new Message(channel, epoch, o, ts, Buffer.buffer(in.readByteArray())));
    }
    messages = read;
    int watching = in.readInt();
    List<String> nodes = new ArrayList<>(watching);
    for (int i = 0; i < watching; i++) {
      nodes.add(in.readString());
    }
    watchers = nodes;
  }
}
