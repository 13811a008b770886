package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.herald.core.HistoryPage;
import io.herald.core.Message;
import io.herald.core.StreamPosition;

import java.io.IOException;
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
  /** For an append: {@link io.herald.core.Publication#duplicateOf}, null when no message was a repeat. */
  long[] duplicateOf;
  /** For an append: the ErrorCode ordinal the unknown channel was refused with, or -1. */
  int refused = -1;

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
    HazelcastWire.writeMessages(out, messages);
    HazelcastWire.writeStrings(out, watchers);
    out.writeInt(refused);
    out.writeLongArray(duplicateOf);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    channel = in.readString();
    epoch = in.readString();
    offset = in.readLong();
    earliest = in.readLong();
    messages = HazelcastWire.readMessages(in, channel, epoch);
    watchers = HazelcastWire.readStrings(in);
    refused = in.readInt();
    duplicateOf = in.readLongArray();
  }
}
