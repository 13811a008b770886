package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.herald.core.ChannelStore.Occupancy;

import java.io.IOException;

/**
 * The answer of a {@link ChannelLogOps.Watch} from the partition owner: the ErrorCode ordinal an unknown channel
 * was refused with, or what the change did to the channel's occupancy.
 */
public final class WatchReply implements DataSerializable {

  /** The ErrorCode ordinal the unknown channel was refused with, or -1. */
  int refused = -1;
  private int occupancy;

  /** For Hazelcast's deserialization only. */
  public WatchReply() {
  }

  static WatchReply of(Occupancy occupancy) {
    WatchReply reply = new WatchReply();
    reply.occupancy = occupancy.ordinal();
    return reply;
  }

  static WatchReply refused(int code) {
    WatchReply reply = new WatchReply();
    reply.refused = code;
    return reply;
  }

  Occupancy occupancy() {
    return Occupancy.values()[occupancy];
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(refused);
    out.writeInt(occupancy);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    refused = in.readInt();
    occupancy = in.readInt();
  }
}
