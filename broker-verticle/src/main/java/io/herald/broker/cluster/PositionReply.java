package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.herald.core.StreamPosition;

import java.io.IOException;

/** The answer of a {@link ChannelLogOps.Position} from the partition owner. */
public final class PositionReply implements DataSerializable {

  private StreamPosition position;

  /** For Hazelcast's deserialization only. */
  public PositionReply() {
  }

  PositionReply(StreamPosition position) {
    this.position = position;
  }

  StreamPosition position() {
    return position;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    HazelcastWire.writePosition(out, position);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    position = HazelcastWire.readPosition(in);
  }
}
