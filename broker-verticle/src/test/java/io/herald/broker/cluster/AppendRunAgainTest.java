package io.herald.broker.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.herald.broker.impl.ChannelLog;
import io.herald.core.ChannelStore.Appended;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hazelcast runs an entry processor again when the member that ran it left before answering: the invocation is
 * retried on the partition's new owner, whose copy was promoted from the backup and already holds the append. Two
 * real members; the append runs on the owner (and its backup), the owner is killed, and the same append (same id)
 * runs again on the survivor, as the retry would: it answers the first result and the message is in history once.
 * (Seen in ClusterFaultsIT's paused member before: one publish at two offsets.)
 */
class AppendRunAgainTest {

  private static final long NOW = 1_000_000;
  private final List<HazelcastInstance> members = new ArrayList<>();

  @AfterEach
  void stop() {
    members.forEach(m -> m.getLifecycleService().terminate());
  }

  @Test
  void anAppendRunAgainOnThePromotedBackupAppendsNothing() throws Exception {
    String cluster = "run-again-" + UUID.randomUUID();
    HazelcastInstance first = member(cluster);
    HazelcastInstance second = member(cluster);
    String channel = channelOwnedBy(first);
    ChannelLogOps.Append append = new ChannelLogOps.Append(7L, start(), List.of(Buffer.buffer("{\"n\":1}")), null, 0, 0);

    Appended once = map(first).executeOnKey(channel, append);
    first.getLifecycleService().terminate(); // the owner is gone before anyone heard its answer
    Appended again = map(second).executeOnKey(channel, append);
    Appended next = map(second).executeOnKey(channel,
        new ChannelLogOps.Append(8L, start(), List.of(Buffer.buffer("{\"n\":2}")), null, 0, 0));

    assertThat(again.publication()).isEqualTo(once.publication());
    assertThat(once.publication().first().offset()).isEqualTo(1);
    assertThat(next.publication().first().offset()).as("another append goes on from there").isEqualTo(2);
    List<Message> history = map(second).get(channel).read(new HistoryQuery(channel, 0, 10), NOW).messages();
    assertThat(history).extracting(m -> m.data().toString()).containsExactly("{\"n\":1}", "{\"n\":2}");
  }

  private HazelcastInstance member(String cluster) throws Exception {
    Config config = ClusterSerialization.register(Config.loadFromFile(new File("../cluster.xml")));
    config.setClusterName(cluster);
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    members.add(member);
    return member;
  }

  private static IMap<String, ChannelLog> map(HazelcastInstance member) {
    return member.getMap(HazelcastChannelStore.MAP);
  }

  private static ChannelStart start() {
    return new ChannelStart("e1", 100, 3_600_000, NOW, true);
  }

  /** A channel name whose partition the member owns (so killing it promotes the other's backup). */
  private static String channelOwnedBy(HazelcastInstance member) {
    for (int i = 0; ; i++) {
      String channel = "run-again:" + i;
      if (member.getPartitionService().getPartition(channel).getOwner().localMember()) {
        return channel;
      }
    }
  }
}
