package io.herald.broker.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;

import java.util.concurrent.CompletionException;

/**
 * What keeps a split cluster from forking a channel (docs/cluster.md, "Partitions and split brain").
 * <p>
 * With a quorum ({@code cluster.quorum}, a majority of the cluster) a member sequences, reads and watches channels
 * only while it has heard from that many members, itself included, within {@link #HEARTBEAT_TOLERANCE_MS}
 * (Hazelcast's recently-active split-brain protection on {@value HazelcastChannelStore#MAP}), and each channel is
 * kept on quorum members (the owner and quorum - 1 synchronous backups). So an acknowledged publish is on a
 * majority, which any other majority shares a member with: the side that keeps quorum has it, the side that lost
 * quorum refuses ({@code unavailable}).
 * <p>
 * Hazelcast checks the quorum as an operation starts, and completes an operation whose backups did not answer
 * anyway: when this member declares their member dead, or after its backup timeout (5 s). {@link #refusal} therefore
 * checks again once the operation is done, and refuses one that took longer than the tolerance: its backups waited
 * for a member that did not answer, or this process was paused (a member that resumes still counts the others as
 * present until its next look at their heartbeats). Its effect may remain in this member's copy, which the merge
 * resolves ({@link ChannelMergePolicy}); it was never acknowledged. For the same reason it refuses every answer for
 * a few seconds after this process was paused ({@link PauseDetector}): an operation that starts just after the
 * resume passes Hazelcast's check, whose heartbeat times the resume reset.
 * <p>
 * In every case the halves merge with {@link ChannelMergePolicy}.
 */
public final class SplitBrainGuard {

  static final String PROTECTION = "herald-quorum";
  /** A member is counted while its last heartbeat (every second) is younger than this. */
  static final int HEARTBEAT_TOLERANCE_MS = 3_000;
  /**
   * After a pause of this process, how long its answers are refused: Hazelcast counts every member as recently
   * active again on resuming, and needs its 5 s without heartbeats (cluster.xml) to see who removed it meanwhile.
   */
  static final int DISTRUST_AFTER_PAUSE_MS = 8_000;
  /** Hazelcast keeps at most 6 backups, so a channel's copies can span a majority of at most 13 members. */
  public static final int MAX_QUORUM = 7;

  private final HazelcastInstance hazelcast;
  private final int quorum;
  /** Hazelcast's protection of the channel map, looked up once; null without a quorum. */
  private final SplitBrainProtection protection;
  /** Whether this process was just paused (then its view of the cluster is not to be trusted); null without a quorum. */
  private final PauseDetector pauses;

  private SplitBrainGuard(HazelcastInstance hazelcast, int quorum) {
    this.hazelcast = hazelcast;
    this.quorum = quorum;
    this.protection = quorum == 0 ? null
        : hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(PROTECTION);
    this.pauses = quorum == 0 ? null : PauseDetector.forProcess(HEARTBEAT_TOLERANCE_MS, DISTRUST_AFTER_PAUSE_MS);
  }

  /**
   * Configures the channel map of {@code config} for splits: the member's {@link MemberIds id} and the map's merge
   * policy always; with {@code quorum} of 2 or more, the quorum and the backups that keep each channel on that many
   * members. Returns {@code config}.
   */
  public static Config configure(Config config, int quorum) {
    if (quorum > MAX_QUORUM) {
      throw new IllegalArgumentException("cluster.quorum is at most " + MAX_QUORUM + " (Hazelcast keeps at most "
          + (MAX_QUORUM - 1) + " backups of a channel): " + quorum);
    }
    MemberIds.assign(config); // ids that outlive the merge (Hazelcast gives the smaller half's members new UUIDs)
    MapConfig channels = config.getMapConfig(HazelcastChannelStore.MAP);
    channels.getMergePolicyConfig().setPolicy(ChannelMergePolicy.class.getName());
    if (quorum >= 2) {
      config.addSplitBrainProtectionConfig(SplitBrainProtectionConfig
          .newRecentlyActiveSplitBrainProtectionConfigBuilder(PROTECTION, quorum, HEARTBEAT_TOLERANCE_MS)
          .enabled(true).build());
      channels.setSplitBrainProtectionName(PROTECTION);
      channels.setBackupCount(Math.max(channels.getBackupCount(), quorum - 1));
      channels.setAsyncBackupCount(0);
    }
    return config;
  }

  /** The guard of a member configured by {@link #configure} (quorum 0 when it has none). */
  static SplitBrainGuard of(HazelcastInstance hazelcast) {
    SplitBrainProtectionConfig protection = hazelcast.getConfig().getSplitBrainProtectionConfigs().get(PROTECTION);
    return new SplitBrainGuard(hazelcast, protection == null || !protection.isEnabled() ? 0 : protection.getMinimumClusterSize());
  }

  /** Members a node must see to sequence; 0: no quorum. */
  int quorum() {
    return quorum;
  }

  /**
   * Why the answer of an operation started at {@code startedNanos} ({@link System#nanoTime}) and done now may not be
   * given, or null: this member has quorum and the operation was quick (or no quorum is configured).
   */
  HeraldException refusal(long startedNanos) {
    if (quorum == 0) {
      return null;
    }
    int members = hazelcast.getCluster().getMembers().size();
    if (members < quorum || !protection.hasMinimumSize()) {
      return noQuorum(members);
    }
    long tookMs = (System.nanoTime() - startedNanos) / 1_000_000;
    if (tookMs >= HEARTBEAT_TOLERANCE_MS) {
      return notConfirmed("took " + tookMs + " ms: a member did not answer, or this one was paused");
    }
    String paused = pauses.distrust();
    return paused == null ? null : notConfirmed(paused);
  }

  private HeraldException noQuorum(int members) {
    return new HeraldException(ErrorCode.UNAVAILABLE, "no quorum: this node is in touch with fewer than "
        + quorum + " of the cluster's members (" + members + " in its view); try another node");
  }

  /** A store operation's failure as clients should see it: the cluster-state ones are {@code unavailable}. */
  Throwable translate(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof SplitBrainProtectionException) {
      return noQuorum(hazelcast.getCluster().getMembers().size());
    }
    if (cause instanceof IndeterminateOperationStateException || cause instanceof MemberLeftException
        || cause instanceof TargetNotMemberException) {
      return notConfirmed(cause.getClass().getSimpleName());
    }
    return failure;
  }

  private static HeraldException notConfirmed(String why) {
    return new HeraldException(ErrorCode.UNAVAILABLE, "not confirmed by the channel's copies (" + why
        + "): it may or may not have happened; retry, with the same idempotency_key for a publish");
  }
}
