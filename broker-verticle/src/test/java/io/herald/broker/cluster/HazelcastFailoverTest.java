package io.herald.broker.cluster;

import io.herald.core.Addresses;
import io.herald.core.ClientInfo;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.PublishRequest;
import io.herald.core.StreamPosition;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static io.herald.broker.cluster.ClusterMember.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member that owns a channel dies (terminated, no graceful leave): the backup takes over the channel
 * with its offsets, history and watchers, so the sequence continues without a gap, and the dead
 * member's clients leave presence.
 */
class HazelcastFailoverTest {

  private static final int BEFORE = 50;
  private static final int AFTER = 50;

  private final List<ClusterMember> members = new ArrayList<>();

  @BeforeEach
  void startCluster() throws Exception {
    String cluster = "failover-" + UUID.randomUUID();
    HeraldConfig config = HeraldConfig.defaults();
    for (int i = 0; i < 3; i++) {
      members.add(ClusterMember.start(cluster, config));
    }
  }

  @AfterEach
  void stopCluster() {
    members.forEach(ClusterMember::stop);
  }

  @Test
  void theBackupContinuesTheSequenceOfADeadOwnerWithItsHistoryAndWatchers() {
    ClusterMember watcher = members.get(0);
    ClusterMember publisher = members.get(1);
    ClusterMember doomed = members.get(2);
    String channel = channelOwnedBy(doomed);
    List<Message> received = new CopyOnWriteArrayList<>();
    MessageConsumer<Message> consumer = watcher.vertx.eventBus().localConsumer(Addresses.channel(channel), m -> received.add(m.body()));
    await(consumer.completion());
    await(watcher.broker.watch(channel));

    String epoch = null;
    for (int i = 1; i <= BEFORE; i++) {
      epoch = await(publisher.broker.publish(channel, data(i))).epoch();
    }
    doomed.crash();
    List<StreamPosition> after = new ArrayList<>();
    for (int i = BEFORE + 1; i <= BEFORE + AFTER; i++) {
      after.add(publishUntilAccepted(publisher, channel, data(i)));
    }

    assertThat(after).extracting(StreamPosition::epoch).as("the epoch survives").containsOnly(epoch);
    long latest = after.get(after.size() - 1).offset();
    HistoryPage history = await(watcher.broker.history(new HistoryQuery(channel, 0, 1_000)));
    assertThat(history.epoch()).isEqualTo(epoch);
    assertThat(history.messages()).extracting(Message::offset).as("no offset lost or repeated")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, latest).boxed().toList());
    assertThat(history.messages().subList(0, BEFORE)).extracting(Message::data)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, BEFORE).mapToObj(HazelcastFailoverTest::data).toList());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= latest);
    assertThat(received).extracting(Message::offset).as("the watcher still gets every message, in order")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, latest).boxed().toList());
  }

  @Test
  void anIdempotencyKeyOutlivesTheOwnersDeath() {
    ClusterMember publisher = members.get(1);
    ClusterMember doomed = members.get(2);
    String channel = channelOwnedBy(doomed);
    PublishRequest keyed = new PublishRequest(channel, List.of(data(1)), List.of("order-1"));
    Publication first = await(publisher.broker.publish(keyed, true));

    doomed.crash();
    Publication retried = untilAccepted(() -> publisher.broker.publish(keyed, true));
    Publication next = await(publisher.broker.publish(new PublishRequest(channel, List.of(data(2)), List.of("order-2")), true));

    assertThat(retried.duplicate(0)).as("the backup remembers the key").isTrue();
    assertThat(retried.first()).isEqualTo(first.first());
    assertThat(next.duplicate(0)).isFalse();
    assertThat(next.first().offset()).isEqualTo(2);
    HistoryPage history = await(publisher.broker.history(new HistoryQuery(channel, 0, 100)));
    assertThat(history.messages()).extracting(Message::data).containsExactly(data(1), data(2));
  }

  @Test
  void presenceForgetsTheClientsOfADeadMember() {
    ClusterMember survivor = members.get(0);
    ClusterMember doomed = members.get(2);
    String channel = "presence-" + UUID.randomUUID();
    await(survivor.presence.add(channel, new ClientInfo("alive", null, "n0")));
    await(doomed.presence.add(channel, new ClientInfo("dead-1", "u", "n2")));
    await(doomed.presence.add(channel, new ClientInfo("dead-2", null, "n2")));
    assertThat(await(survivor.presence.clients(channel))).hasSize(3);

    doomed.crash();

    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> await(survivor.presence.clients(channel)).size() == 1);
    assertThat(await(survivor.presence.clients(channel))).extracting(ClientInfo::client).containsExactly("alive");
  }

  /** A channel whose partition {@code member} owns. */
  private static String channelOwnedBy(ClusterMember member) {
    PartitionRouting routing = new PartitionRouting(member.hazelcast);
    for (int i = 0; ; i++) {
      String channel = "owned-" + i + "-" + UUID.randomUUID();
      if (routing.ownerOf(channel).equals(member.id)) {
        return channel;
      }
    }
  }

  /** Publishes, retrying while the cluster has not yet noticed the owner's death (bounded by Awaitility). */
  private static StreamPosition publishUntilAccepted(ClusterMember publisher, String channel, Buffer data) {
    return untilAccepted(() -> publisher.broker.publish(channel, data));
  }

  /** Tries {@code operation} until it succeeds (bounded by Awaitility): the cluster may not have noticed a death yet. */
  private static <T> T untilAccepted(Supplier<Future<T>> operation) {
    List<T> accepted = new ArrayList<>(1);
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      Future<T> attempt = operation.get();
      try {
        accepted.add(await(attempt));
        return true;
      } catch (AssertionError e) {
        return false;
      }
    });
    return accepted.get(0);
  }

  private static Buffer data(long n) {
    return Buffer.buffer("{\"n\":" + n + "}");
  }
}
