package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.herald.core.ChannelStore.Appended;
import io.herald.core.Publication;

import java.io.IOException;

/**
 * The answer of a {@link ChannelLogOps.Append} from the partition owner: the ErrorCode ordinal an unknown channel
 * was refused with, or where the messages went and the nodes watching the channel.
 */
public final class AppendReply implements DataSerializable {

  /** The ErrorCode ordinal the unknown channel was refused with, or -1. */
  int refused = -1;
  private Appended appended;

  /** For Hazelcast's deserialization only. */
  public AppendReply() {
  }

  static AppendReply of(Appended appended) {
    AppendReply reply = new AppendReply();
    reply.appended = appended;
    return reply;
  }

  static AppendReply refused(int code) {
    AppendReply reply = new AppendReply();
    reply.refused = code;
    return reply;
  }

  Appended appended() {
    return appended;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(refused);
    if (refused < 0) {
      Publication publication = appended.publication();
      out.writeString(publication.epoch());
      out.writeLong(publication.firstOffset());
      out.writeLongArray(publication.duplicateOf());
      HazelcastWire.writeStrings(out, appended.watchers());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    refused = in.readInt();
    if (refused < 0) {
      Publication publication = new Publication(in.readString(), in.readLong(), in.readLongArray());
      appended = new Appended(publication, HazelcastWire.readStrings(in));
    }
  }
}
