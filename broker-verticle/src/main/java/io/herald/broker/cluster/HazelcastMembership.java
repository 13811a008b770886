package io.herald.broker.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.herald.broker.impl.OccupancyEvents;
import io.herald.core.ChannelStore.Occupancy;
import io.herald.core.Membership;
import io.herald.core.webhooks.Webhooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The Hazelcast cluster as Herald sees it: member ids are {@link MemberIds}. When a member leaves
 * or dies, every survivor removes it from channel watchers and presence (idempotent, so it does not
 * matter that all of them do).
 */
public final class HazelcastMembership implements Membership {

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastMembership.class);

  private final HazelcastInstance hazelcast;

  private HazelcastMembership(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /** Watches the cluster and cleans up after members that go away. */
  public static HazelcastMembership watch(HazelcastInstance hazelcast, HazelcastChannelStore store, HazelcastPresence presence) {
    return watch(hazelcast, store, presence, Webhooks.OFF);
  }

  /** As {@link #watch(HazelcastInstance, HazelcastChannelStore, HazelcastPresence)}; a departed member's channels left vacant are reported to {@code webhooks}. */
  public static HazelcastMembership watch(HazelcastInstance hazelcast, HazelcastChannelStore store, HazelcastPresence presence,
                                          Webhooks webhooks) {
    OccupancyEvents occupancy = new OccupancyEvents(webhooks);
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        LOG.atInfo().addKeyValue("member", event.getMember()).log("member joined");
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String id = MemberIds.of(event.getMember());
        LOG.atInfo().addKeyValue("member", event.getMember()).log("member left; removing its watches and presence");
        store.forgetNode(id)
            .onSuccess(vacated -> vacated.forEach(channel -> occupancy.changed(channel, Occupancy.VACATED)))
            .onFailure(t -> LOG.atWarn().addKeyValue("member", id).setCause(t).log("could not remove the watches of a member"));
        presence.forgetMember(id)
            .onFailure(t -> LOG.atWarn().addKeyValue("member", id).setCause(t).log("could not remove the presence of a member"));
      }
    });
    return new HazelcastMembership(hazelcast);
  }

  /** On Hazelcast's MERGED: this member's half of a split joined the other half (it was the smaller one). */
  @Override
  public void whenRejoined(Runnable action) {
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        LOG.info("rejoined the cluster after a split; watching this node's channels again");
        action.run();
      }
    });
  }

  @Override
  public String self() {
    return MemberIds.self(hazelcast);
  }

  @Override
  public List<String> members() {
    return hazelcast.getCluster().getMembers().stream().map(MemberIds::of).toList();
  }
}
