package io.herald.broker.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;

import java.util.UUID;

/**
 * A Herald node's id in a cluster: its sequencer and inbox addresses, the watchers of channels and presence name
 * it. It is a member attribute chosen when the member is configured, not Hazelcast's member UUID, which Hazelcast
 * replaces when the member's half of a split brain merges into the other: the node's addresses would no longer
 * match the id the others route to.
 */
public final class MemberIds {

  static final String ATTRIBUTE = "herald.node";

  private MemberIds() {
  }

  /** Gives the member configured by {@code config} its node id, unless it has one; returns {@code config}. */
  public static Config assign(Config config) {
    if (config.getMemberAttributeConfig().getAttribute(ATTRIBUTE) == null) {
      config.getMemberAttributeConfig().setAttribute(ATTRIBUTE, UUID.randomUUID().toString());
    }
    return config;
  }

  /** {@code member}'s node id (its UUID for a member configured without {@link #assign}). */
  public static String of(Member member) {
    String id = member.getAttribute(ATTRIBUTE);
    return id != null ? id : member.getUuid().toString();
  }

  /** This member's node id. */
  public static String self(HazelcastInstance hazelcast) {
    return of(hazelcast.getCluster().getLocalMember());
  }
}
