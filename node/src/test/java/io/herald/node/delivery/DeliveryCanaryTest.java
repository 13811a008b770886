package io.herald.node.delivery;

import io.herald.broker.BrokerVerticle;
import io.herald.broker.NodeInbox;
import io.herald.broker.impl.InMemoryChannelStore;
import io.herald.core.EventBusBroker;
import io.herald.core.codec.Codecs;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.health.DeliveryCanary;
import io.herald.gateway.health.NodeState;
import io.vertx.core.Vertx;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness follows the delivery canary: a node whose probes do not come back (here: its channels'
 * sequencer is not there) is not ready; once the sequencer is, it is ready again.
 */
class DeliveryCanaryTest {

  private static final String NODE = "canary-node";

  private Vertx vertx;
  private NodeState state;
  private EventBusBroker broker;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    Codecs.register(vertx.eventBus());
    NodeInbox.open(vertx.eventBus(), NODE).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    broker = new EventBusBroker(vertx, NODE, channel -> NODE, 1, 300);
    state = new NodeState();
    state.markReady("127.0.0.1:0");
  }

  @AfterEach
  void tearDown() {
    vertx.close();
  }

  @Test
  void readinessIsLostWhenProbesDoNotComeBackAndRegainedWhenTheyDo() throws Exception {
    vertx.deployVerticle(new DeliveryCanary(broker, state, NODE, 100, 200));

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !state.ready());
    assertThat(state.delivering()).isFalse();

    vertx.deployVerticle(new BrokerVerticle(NODE, 0, new InMemoryChannelStore(HeraldConfig.defaults().namespaces(),
        System::currentTimeMillis), false)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(state::ready);
  }

  @Test
  void aWorkingDeliveryPathKeepsTheNodeReady() throws Exception {
    vertx.deployVerticle(new BrokerVerticle(NODE, 0, new InMemoryChannelStore(HeraldConfig.defaults().namespaces(),
        System::currentTimeMillis), false)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    vertx.deployVerticle(new DeliveryCanary(broker, state, NODE, 50, 2_000)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    assertThat(state.ready()).as("after the first probe").isTrue();
  }
}
