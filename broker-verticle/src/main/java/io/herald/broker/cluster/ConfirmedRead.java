package io.herald.broker.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.herald.broker.impl.ChannelLog;

import java.io.IOException;
import java.util.Map;

/**
 * A read of a channel that answers only once the channel's backups have confirmed they are reachable: it marks the
 * entry written (unchanged), so Hazelcast sends its backups a step that does nothing and waits for their acks like
 * for an append's. With {@code cluster.quorum}, so a member cut off from its backups cannot show a reader a message
 * whose publish was never acknowledged (applied here, its backup never confirmed): the read waits for backups that
 * do not answer and is refused ({@link SplitBrainGuard#refusal}), so what a client reads is what the quorum holds.
 */
public final class ConfirmedRead<R> extends EntryOp<ChannelLog, R> {

  private EntryProcessor<String, ChannelLog, R> read;

  public ConfirmedRead() {
  }

  ConfirmedRead(EntryProcessor<String, ChannelLog, R> read) {
    this.read = read;
  }

  @Override
  public R process(Map.Entry<String, ChannelLog> entry) {
    R answer = read.process(entry);
    if (entry.getValue() != null) {
      entry.setValue(entry.getValue());
    }
    return answer;
  }

  @Override
  public EntryProcessor<String, ChannelLog, R> getBackupProcessor() {
    return NOTHING;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeObject(read);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    read = in.readObject();
  }

  @SuppressWarnings("rawtypes")
  private static final EntryProcessor NOTHING = new Nothing();

  /** The backups' step: nothing to change; its ack is the point. */
  public static final class Nothing extends EntryOp<ChannelLog, Object> {
    @Override
    public Object process(Map.Entry<String, ChannelLog> entry) {
      return null;
    }
  }
}
