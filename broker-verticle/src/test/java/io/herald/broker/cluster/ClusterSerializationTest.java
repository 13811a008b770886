package io.herald.broker.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import io.herald.broker.impl.ChannelLog;
import io.herald.core.ChannelStore.Appended;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.StreamPosition;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static io.herald.broker.cluster.ClusterMember.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link ChannelLog} crosses Hazelcast's serialization as a backup or a migration copies it, and the answers of
 * the ops as they come back from the partition owner, through the serializers {@link ClusterSerialization}
 * registers; a store refuses a member that lacks them.
 */
class ClusterSerializationTest {

  private static final long NOW = 1_000_000;
  private static final long TTL_MS = 60_000;
  private static final long KEY_WINDOW_MS = 10_000;
  private static final int HISTORY = 5;

  /** The serialization of a member whose config went through {@link ClusterSerialization#register}. */
  private final SerializationService serialization = new DefaultSerializationServiceBuilder()
      .setConfig(ClusterSerialization.register(new Config()).getSerializationConfig()).build();

  @Test
  void aLogKeepsItsPositionMessagesWatchersKeysAndBytesAcrossTheSerializer() {
    ChannelLog log = new ChannelLog("news", "e1", HISTORY, TTL_MS, NOW);
    log.append(List.of(Buffer.buffer("{\"n\":1}"), Buffer.buffer("{\"n\":2}")), Arrays.asList("k1", null), NOW,
        KEY_WINDOW_MS, 100);
    log.append(List.of(Buffer.buffer("{\"n\":3}")), NOW + 1);
    log.watch("node-a", true);
    log.watch("node-b", true);

    ChannelLog copy = roundTrip(log);

    assertThat(copy.position()).isEqualTo(log.position());
    assertThat(copy.read(everything(), NOW + 2)).isEqualTo(log.read(everything(), NOW + 2));
    assertThat(copy.watchers()).containsExactly("node-a", "node-b");
    assertThat(copy.lastAppendMs()).isEqualTo(NOW + 1);
    assertThat(copy.bytes()).as("recomputed: messages and the key").isEqualTo(log.bytes());
    Publication repeat = copy.append(List.of(Buffer.buffer("{\"n\":1}")), List.of("k1"), NOW + 2, KEY_WINDOW_MS, 100);
    assertThat(repeat.duplicate(0)).as("the key still answers its repeat").isTrue();
    assertThat(repeat.first().offset()).isEqualTo(1);
  }

  @Test
  void aCopyRemembersTheLastAppendsSoOneRunAgainAppendsNothing() {
    ChannelLog log = new ChannelLog("news", "e1", HISTORY, TTL_MS, NOW);
    Publication first = log.append(41L, List.of(Buffer.buffer("{\"n\":1}")), null, NOW, 0, 0);
    Publication second = log.append(42L, List.of(Buffer.buffer("{\"n\":2}")), null, NOW, 0, 0);

    ChannelLog copy = roundTrip(log);

    assertThat(copy.append(41L, List.of(Buffer.buffer("{\"n\":1}")), null, NOW, 0, 0)).isEqualTo(first);
    assertThat(copy.append(42L, List.of(Buffer.buffer("{\"n\":2}")), null, NOW, 0, 0)).isEqualTo(second);
    assertThat(copy.position().offset()).as("nothing appended again").isEqualTo(2);
    assertThat(copy.append(43L, List.of(Buffer.buffer("{\"n\":3}")), null, NOW, 0, 0).firstOffset()).isEqualTo(3);
  }

  @Test
  void aCopyKeepsItsNamespacesHistoryBounds() {
    ChannelLog copy = roundTrip(new ChannelLog("news", "e1", HISTORY, TTL_MS, NOW));

    for (int i = 0; i < HISTORY + 3; i++) {
      copy.append(List.of(Buffer.buffer(Integer.toString(i))), NOW);
    }

    assertThat(copy.size()).as("history size").isEqualTo(HISTORY);
    assertThat(copy.read(everything(), NOW + TTL_MS + 1).messages()).as("history TTL").isEmpty();
  }

  @Test
  void aCopysWatchersAreImmutableLikeTheOriginals() {
    ChannelLog log = new ChannelLog("news", "e1", HISTORY, TTL_MS, NOW);
    log.watch("node-a", true);

    List<String> watchers = roundTrip(log).watchers();

    assertThatThrownBy(() -> watchers.add("node-b")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aLogWithNothingYetCrossesEmpty() {
    ChannelLog log = new ChannelLog("news", "e1", HISTORY, TTL_MS, NOW);

    ChannelLog copy = roundTrip(log);

    assertThat(copy.read(everything(), NOW)).isEqualTo(new HistoryPage("e1", 0, 1, List.of()));
    assertThat(copy.bytes()).isZero();
    assertThat(copy.sweep(NOW + TTL_MS + 1)).as("nothing keeps it").isTrue();
  }

  @Test
  void withoutTheRegistrationALogDoesNotCrossAtAll() {
    SerializationService unregistered = new DefaultSerializationServiceBuilder().build();

    assertThatThrownBy(() -> unregistered.toData(new ChannelLog("news", "e1", HISTORY, TTL_MS, NOW)))
        .as("no silent Java serialization").isInstanceOf(HazelcastSerializationException.class);
  }

  @Test
  void theAnswersOfTheOpsCrossTheSerializersToo() {
    Message m = new Message("news", "e1", 7, NOW, Buffer.buffer("{\"n\":7}"));
    List<Object> answers = List.of(new StreamPosition("e1", 7), new HistoryPage("e1", 7, 7, List.of(m)),
        new HistoryPage("e2", 0, 1, List.of()), new Appended(new Publication("e1", 8, new long[] {0, 3}), List.of("a")),
        new Appended(Publication.of("e1", 8), List.of()));

    for (Object answer : answers) {
      Object copy = serialization.toObject(serialization.toData(answer));
      assertThat(copy).isEqualTo(answer);
    }
  }

  @Test
  void registeringTwiceRegistersOnce() {
    int once = ClusterSerialization.register(new Config()).getSerializationConfig().getSerializerConfigs().size();

    Config twice = ClusterSerialization.register(ClusterSerialization.register(new Config()));

    assertThat(twice.getSerializationConfig().getSerializerConfigs()).hasSize(once);
  }

  @Test
  void aStoreRefusesAMemberConfiguredWithoutTheSerializer() throws Exception {
    Config unregistered = Config.loadFromFile(new File("../cluster.xml"));
    unregistered.setClusterName("unregistered-" + UUID.randomUUID());
    HazelcastInstance member = Hazelcast.newHazelcastInstance(unregistered);
    Vertx vertx = Vertx.vertx();
    try {
      assertThatThrownBy(() -> new HazelcastChannelStore(vertx, member, HeraldConfig.defaults().namespaces(),
          System::currentTimeMillis))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(ClusterSerialization.class.getName() + ".register");
    } finally {
      member.shutdown();
      await(vertx.close());
    }
  }

  private ChannelLog roundTrip(ChannelLog log) {
    return serialization.toObject(serialization.toData(log));
  }

  private static HistoryQuery everything() {
    return new HistoryQuery("news", 0, 100);
  }
}
