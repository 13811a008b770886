package io.herald.core;

import io.herald.core.codec.Codecs;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * While a cluster member leaves, it still owns partitions after its sequencers are gone: a request
 * routed there finds no handler and was not processed. The broker sends it again, to the owner of that
 * moment, until its timeout; a failure the sequencer itself answered is not repeated.
 */
class EventBusBrokerRoutingTest {

  private static final String CHANNEL = "chat:lobby";
  private static final StreamPosition POSITION = new StreamPosition("e1", 7);

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Codecs.register(vertx.eventBus());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRequestThatFindsNoSequencerAtALeavingOwnerGoesToTheNextOwner() throws Exception {
    AtomicInteger routed = new AtomicInteger();
    // The first lookups name the member that is leaving, later ones its successor.
    SequencerRouting routing = channel -> routed.incrementAndGet() <= 2 ? "leaving" : "successor";
    sequencer("successor").handler(m -> m.reply(POSITION));

    StreamPosition position = await(new EventBusBroker(vertx, "self", routing, 1, 5_000).position(CHANNEL));

    assertThat(position).isEqualTo(POSITION);
    assertThat(routed.get()).isEqualTo(3);
  }

  @Test
  void noSequencerAnywhereFailsAsInternalWithinTheTimeout() {
    EventBusBroker broker = new EventBusBroker(vertx, "self", channel -> "gone", 1, 300);

    assertThatThrownBy(() -> await(broker.position(CHANNEL))).hasCauseInstanceOf(HeraldException.class)
        .cause().hasMessageContaining("No handlers");
  }

  @Test
  void aFailureTheSequencerAnsweredIsNotRepeated() {
    AtomicInteger received = new AtomicInteger();
    sequencer("owner").handler(m -> {
      received.incrementAndGet();
      m.fail(EventBusBroker.failureCode(ErrorCode.RECOVERY_FAILED), "trimmed");
    });

    assertThatThrownBy(() -> await(new EventBusBroker(vertx, "self", channel -> "owner", 1, 5_000).position(CHANNEL)))
        .cause().isInstanceOfSatisfying(HeraldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RECOVERY_FAILED));
    assertThat(received.get()).isEqualTo(1);
  }

  private MessageConsumer<Object> sequencer(String node) {
    return vertx.eventBus().consumer(Addresses.sequencer(node, CHANNEL, 1));
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws ExecutionException, InterruptedException,
      java.util.concurrent.TimeoutException {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
