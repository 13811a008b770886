package io.herald.broker.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import io.herald.broker.impl.ChannelLog;
import io.herald.core.RandomIds;

/**
 * How a channel's two copies become one when the halves of a split cluster merge again. Hazelcast merges the
 * smaller half into the larger: {@code existing} is the larger half's copy, {@code merging} the smaller's. One side
 * only knows the channel: its copy. Both do:
 * <ul>
 *   <li>with {@code cluster.quorum}: the larger half's copy, unless the smaller half's carries it on
 *       ({@link #mergeWithQuorum});</li>
 *   <li>without: the copy that carries the other's sequence on (same epoch, at least as far, the same message at the
 *       other's latest offset), watched by both sides' nodes. If both went on from a common point, each with
 *       messages the other lacks (both halves sequenced), the channel forked: the larger half's copy is kept under a
 *       new epoch, so a client holding a position in the old one gets {@code recovery_failed} instead of silently
 *       resuming into messages that differ from what it saw. Copies of different epochs (the channel started on
 *       each side): the larger half's; clients of the other epoch get {@code recovery_failed} when they resume.</li>
 * </ul>
 * Configured on {@code herald.channels} by {@link SplitBrainGuard#configure}.
 */
public final class ChannelMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object>,
    HazelcastInstanceAware {

  /** This member's {@code cluster.quorum}, known once Hazelcast hands the policy its instance. */
  private int quorum;

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    quorum = SplitBrainGuard.of(hazelcast).quorum();
  }

  @Override
  public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
    if (existing == null) {
      return merging.getRawValue();
    }
    ChannelLog smaller = (ChannelLog) merging.getValue();
    ChannelLog larger = (ChannelLog) existing.getValue();
    return quorum > 0 ? mergeWithQuorum(smaller, larger) : merge(smaller, larger);
  }

  /**
   * With a quorum the smaller half should have acknowledged nothing since the split and showed no reader anything
   * its backups had not confirmed ({@link ConfirmedRead}), so the larger half's copy is the channel, watched by both
   * halves' nodes. Except when the smaller half's copy carries the larger's on and the larger did not move on: its
   * tail is kept rather than dropped. Those publishes were answered {@code unavailable} ("may or may not have been
   * sequenced"), so keeping them breaks no answer; and where members' views diverged (docs/cluster.md, "A frozen
   * member") some may have been acknowledged. Dropping a continuation can only lose messages, never prevent a fork.
   */
  static ChannelLog mergeWithQuorum(ChannelLog smaller, ChannelLog larger) {
    if (smaller.continues(larger) && !larger.continues(smaller)) {
      smaller.watchAlso(larger);
      return smaller;
    }
    return keepLarger(smaller, larger);
  }

  /** The larger half's copy, watched by both halves' nodes. */
  static ChannelLog keepLarger(ChannelLog smaller, ChannelLog larger) {
    larger.watchAlso(smaller);
    return larger;
  }

  /** The copy that survives of a channel the smaller and the larger half both hold (see the class comment). */
  static ChannelLog merge(ChannelLog smaller, ChannelLog larger) {
    if (larger.continues(smaller)) {
      return keepLarger(smaller, larger);
    }
    if (smaller.continues(larger)) {
      smaller.watchAlso(larger);
      return smaller;
    }
    if (smaller.position().epoch().equals(larger.position().epoch())) {
      ChannelLog relabelled = larger.relabelled(RandomIds.epoch());
      relabelled.watchAlso(smaller);
      return relabelled;
    }
    return larger;
  }

  @Override
  public void writeData(ObjectDataOutput out) {
    // no state
  }

  @Override
  public void readData(ObjectDataInput in) {
    // no state
  }
}
