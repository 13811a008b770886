package io.herald.broker.cluster;

import io.herald.broker.BrokerContractTest;
import io.herald.core.Broker;
import io.herald.core.Presence;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The cluster broker against the contract: three real Hazelcast members on loopback, each with its
 * sequencer shards, store and presence. The contract drives member 0's broker, so most channels are
 * owned, sequenced and stored on another member and reach member 0 through its inbox.
 */
class HazelcastBrokerTest extends BrokerContractTest {

  private final List<ClusterMember> members = new ArrayList<>();

  @Override
  protected void startBroker(HeraldConfig config) throws Exception {
    String cluster = "contract-" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      members.add(ClusterMember.start(cluster, config));
    }
  }

  @Override
  protected void stopBroker() {
    members.forEach(ClusterMember::stop);
  }

  @Override
  protected Vertx vertx() {
    return members.get(0).vertx;
  }

  @Override
  protected Broker broker() {
    return members.get(0).broker;
  }

  @Override
  protected Presence presence() {
    return members.get(0).presence;
  }
}
