package io.herald.broker.cluster;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;

/**
 * An {@link EntryOp} that changes nothing: {@link ReadOnly} tells Hazelcast so (it need not treat it as a write),
 * and the backup has nothing to replay.
 */
abstract class ReadOnlyEntryOp<V, R> extends EntryOp<V, R> implements ReadOnly {

  @Override
  public final EntryProcessor<String, V, R> getBackupProcessor() {
    return null;
  }
}
