package io.herald.broker.cluster;

import com.hazelcast.map.IMap;
import io.herald.broker.impl.ChannelLog;
import io.herald.broker.impl.StoreLimits;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HazelcastChannelStore#sweep}, which each member runs on the channels whose partitions it owns (one call per
 * partition), on two real Hazelcast members in one JVM with a clock the test moves: together the members expire
 * every channel's history and forget every idle channel, and a member over its history bound drops the history of
 * the channels it owns, not the others'.
 */
class StoreSweepTest {

  private static final long TTL_MS = 1_000;
  private static final int CHANNELS = 60;
  private static final HeraldConfig CONFIG = HeraldConfig.load(new JsonObject(), Map.of(),
      Map.of("namespace.history_ttl_ms", Long.toString(TTL_MS)));

  private final List<ClusterMember> members = new ArrayList<>();
  private final String cluster = "sweep-" + UUID.randomUUID();
  /**
   * An hour ahead of the wall clock, which the members' own stores sweep by (their shards call sweep): by that
   * clock nothing the test writes has expired, so only the test's sweeps expire anything.
   */
  private final AtomicLong now = new AtomicLong(System.currentTimeMillis() + 3_600_000);

  @AfterEach
  void stopCluster() {
    members.forEach(ClusterMember::stop);
  }

  @Test
  void theMembersTogetherExpireEveryChannelsHistoryAndForgetIdleChannels() throws Exception {
    List<HazelcastChannelStore> stores = List.of(store(StoreLimits.unbounded()), store(StoreLimits.unbounded()));
    List<String> channels = IntStream.range(0, CHANNELS).mapToObj(i -> "sweep:" + i).toList();
    for (String channel : channels) {
      ClusterMember.await(stores.get(0).append(channel, List.of(Buffer.buffer("{\"n\":1}")), now.get(), true));
    }
    // Each member owns some of them: the sweep of one member alone leaves the other's.
    Set<String> others = localKeys(1);
    assertThat(others).isNotEmpty().hasSizeLessThan(CHANNELS);

    now.addAndGet(TTL_MS + 5_001);
    stores.get(0).sweep();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> map().keySet().equals(others));
    stores.get(1).sweep();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> map().isEmpty());
  }

  @Test
  void aMemberOverItsHistoryBoundDropsTheHistoryOfTheChannelsItOwns() throws Exception {
    StoreLimits limits = new StoreLimits(1, Integer.MAX_VALUE); // one byte: every member is over it
    HazelcastChannelStore store = store(limits);
    store(StoreLimits.unbounded());
    List<String> channels = IntStream.range(0, CHANNELS).mapToObj(i -> "bound:" + i).toList();
    for (String channel : channels) {
      ClusterMember.await(store.append(channel, List.of(Buffer.buffer("{\"n\":1}")), now.get(), true));
    }
    Set<String> own = localKeys(0);
    assertThat(own).isNotEmpty().hasSizeLessThan(CHANNELS);
    store.sweep(); // the store's first sweep, at the time of the appends: only the bound drops history
    // Over a bound of one byte it drops every channel it owns; the other member's channels keep theirs.
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> own.stream().allMatch(c -> map().get(c).bytes() == 0));
    assertThat(channels.stream().filter(c -> !own.contains(c))).allMatch(c -> map().get(c).bytes() > 0);
  }

  /** A store on a new member, with the test's clock; returns once the cluster's partitions have settled. */
  private HazelcastChannelStore store(StoreLimits limits) throws Exception {
    ClusterMember member = ClusterMember.start(cluster, CONFIG);
    members.add(member);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> member.hazelcast.getPartitionService().isClusterSafe());
    return new HazelcastChannelStore(member.vertx, member.hazelcast, CONFIG.namespaces(), limits, now::get);
  }

  private IMap<String, ChannelLog> map() {
    return members.get(0).hazelcast.getMap(HazelcastChannelStore.MAP);
  }

  /** The channels member {@code i} owns now. */
  private Set<String> localKeys(int i) {
    return Set.copyOf(members.get(i).hazelcast.<String, Object>getMap(HazelcastChannelStore.MAP).localKeySet());
  }
}
