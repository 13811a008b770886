package io.herald.broker.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;

import java.io.IOException;

/**
 * An entry processor on a map of channels (values {@code V}) that travels to the partition owner in Hazelcast's
 * own format, not Java serialization: an op with arguments writes and reads them; one without has nothing to do.
 * Hazelcast makes it with its public no-argument constructor before {@link #readData}.
 */
abstract class EntryOp<V, R> implements EntryProcessor<String, V, R>, DataSerializable {

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
  }
}
