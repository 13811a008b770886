package io.herald.broker.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.PartitionService;
import io.herald.core.SequencerRouting;

/**
 * A channel's sequencer is on the member that owns the channel's partition of {@link HazelcastChannelStore#MAP}
 * (the map's key is the channel name), so its store operations are local and only the backup write
 * crosses the network. While a partition moves, two members may briefly sequence the same channel:
 * offsets stay gapless because the store assigns them; subscribers fill any reordering from history.
 */
public final class PartitionRouting implements SequencerRouting {

  private final PartitionService partitions;
  private final String self;

  public PartitionRouting(HazelcastInstance hazelcast) {
    this.partitions = hazelcast.getPartitionService();
    this.self = MemberIds.self(hazelcast);
  }

  @Override
  public String ownerOf(String channel) {
    Member owner = partitions.getPartition(channel).getOwner();
    return owner == null ? self : MemberIds.of(owner);
  }
}
