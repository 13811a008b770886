package io.herald.broker;

import io.herald.broker.impl.InMemoryChannelStore;
import io.herald.broker.impl.LocalPresence;
import io.herald.core.Broker;
import io.herald.core.EventBusBroker;
import io.herald.core.Presence;
import io.herald.core.codec.Codecs;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Vertx;

/**
 * The standalone broker against the contract: {@link BrokerVerticle} shards with {@link InMemoryChannelStore},
 * {@link LocalPresence}, reached through {@link EventBusBroker}, wired as {@code HeraldNode} wires them.
 */
class LocalBrokerTest extends BrokerContractTest {

  private static final String NODE = "local";

  private Vertx vertx;
  private Broker broker;
  private Presence presence;

  @Override
  protected void startBroker(HeraldConfig config) {
    vertx = Vertx.vertx();
    Codecs.register(vertx.eventBus());
    int shards = config.get(HeraldConfig.BROKER_SHARDS);
    for (int shard = 0; shard < shards; shard++) {
      await(vertx.deployVerticle(new BrokerVerticle(NODE, shard, new InMemoryChannelStore(config.namespaces(), System::currentTimeMillis), false)));
    }
    broker = new EventBusBroker(vertx, NODE, channel -> NODE, shards, TIMEOUT_S * 1000);
    presence = new LocalPresence();
  }

  @Override
  protected void stopBroker() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Override
  protected Vertx vertx() {
    return vertx;
  }

  @Override
  protected Broker broker() {
    return broker;
  }

  @Override
  protected Presence presence() {
    return presence;
  }
}
