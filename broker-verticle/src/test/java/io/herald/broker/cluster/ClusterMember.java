package io.herald.broker.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.herald.broker.BrokerVerticle;
import io.herald.broker.NodeInbox;
import io.herald.core.EventBusBroker;
import io.herald.core.codec.Codecs;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * One real cluster member for tests: a clustered Vert.x on a Hazelcast member configured by the
 * repository's {@code cluster.xml} (loopback), with the broker side of a node wired as {@code HeraldNode}
 * wires it: sequencer shards on the Hazelcast store, the node's inbox, presence, membership.
 */
final class ClusterMember {

  final Vertx vertx;
  final HazelcastInstance hazelcast;
  final String id;
  final EventBusBroker broker;
  final HazelcastPresence presence;
  final HazelcastChannelStore store;

  private ClusterMember(Vertx vertx, HazelcastInstance hazelcast, HeraldConfig config) throws Exception {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.id = MemberIds.self(hazelcast);
    Codecs.register(vertx.eventBus());
    store = new HazelcastChannelStore(vertx, hazelcast, config.namespaces(), System::currentTimeMillis);
    presence = new HazelcastPresence(vertx, hazelcast, id);
    HazelcastMembership.watch(hazelcast, store, presence);
    int shards = config.get(HeraldConfig.BROKER_SHARDS);
    await(NodeInbox.open(vertx.eventBus(), id));
    for (int shard = 0; shard < shards; shard++) {
      await(vertx.deployVerticle(new BrokerVerticle(id, shard, store, true)));
    }
    broker = new EventBusBroker(vertx, id, new PartitionRouting(hazelcast), shards, 10_000);
  }

  /** Starts a member of the cluster {@code clusterName}; returns once it has joined. */
  static ClusterMember start(String clusterName, HeraldConfig config) throws Exception {
    Config hazelcastConfig = SplitBrainGuard.configure(
        ClusterSerialization.register(Config.loadFromFile(new File("../cluster.xml"))), config.get(HeraldConfig.CLUSTER_QUORUM));
    hazelcastConfig.setClusterName(clusterName);
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig);
    Vertx vertx = await(Vertx.builder().withClusterManager(manager).buildClustered());
    return new ClusterMember(vertx, manager.getHazelcastInstance(), config);
  }

  /** Kills the member the way a crash would: no graceful leave, no partition hand-over. */
  void crash() {
    hazelcast.getLifecycleService().terminate();
    vertx.close();
  }

  void stop() {
    if (hazelcast.getLifecycleService().isRunning()) {
      await(vertx.close());
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
