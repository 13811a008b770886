package io.herald.broker.cluster;

import com.hazelcast.config.Config;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.HistoryQuery;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Members with {@code cluster.quorum} answer for channels only while they see a quorum: real Hazelcast members in
 * one JVM. (Partitions between processes, and the merge after one, are tested in the node's ClusterFaultsIT.)
 */
class SplitBrainGuardTest {

  private static final HeraldConfig QUORUM_2 = HeraldConfig.load(new JsonObject(), Map.of(), Map.of("cluster.quorum", "2"));

  private final List<ClusterMember> members = new ArrayList<>();
  private final String cluster = "quorum-" + UUID.randomUUID();

  @AfterEach
  void stopCluster() {
    members.forEach(ClusterMember::stop);
  }

  @Test
  void aLoneMemberRefusesUntilASecondJoinsThenSequences() throws Exception {
    ClusterMember first = start();
    String channel = "q:" + UUID.randomUUID();

    assertUnavailable(first.broker.publish(channel, Buffer.buffer("{}")));

    start();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outcome(first.broker.publish(channel, Buffer.buffer("{}"))) == null);
  }

  @Test
  void theSurvivorOfTwoDeadMembersRefusesPublishesAndReadsWithUnavailable() {
    ClusterMember survivor = start();
    start();
    start();
    String channel = "q:" + UUID.randomUUID();
    ClusterMember.await(survivor.broker.publish(channel, Buffer.buffer("{\"n\":1}")));
    assertThat(ClusterMember.await(survivor.broker.history(new HistoryQuery(channel, 0, 10))).messages())
        .as("a read confirmed by the channel's backup").hasSize(1);

    members.get(1).crash();
    members.get(2).crash();

    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> outcome(survivor.broker.publish(channel, Buffer.buffer("{\"n\":2}"))) != null);
    assertUnavailable(survivor.broker.publish(channel, Buffer.buffer("{\"n\":3}")));
    assertUnavailable(survivor.broker.history(new HistoryQuery(channel, 0, 10)));
    assertUnavailable(survivor.broker.position(channel));
  }

  @Test
  void aQuorumAboveWhatBackupsCanSpanIsRefusedAtConfiguration() {
    assertThatThrownBy(() -> SplitBrainGuard.configure(new Config(), SplitBrainGuard.MAX_QUORUM + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster.quorum is at most 7");
  }

  private ClusterMember start() {
    try {
      ClusterMember member = ClusterMember.start(cluster, QUORUM_2);
      members.add(member);
      return member;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void assertUnavailable(Future<?> answer) {
    HeraldException refused = outcome(answer);
    assertThat(refused).as("refused").isNotNull();
    assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(refused.getMessage()).contains("quorum");
  }

  /** The refusal {@code answer} ended with, or null when it succeeded. */
  private static HeraldException outcome(Future<?> answer) {
    CompletableFuture<?> done = answer.toCompletionStage().toCompletableFuture();
    try {
      done.get(30, TimeUnit.SECONDS);
      return null;
    } catch (Exception e) {
      Throwable cause = e.getCause();
      if (cause instanceof HeraldException he) {
        return he;
      }
      throw new AssertionError("not a HeraldException", e);
    }
  }
}
