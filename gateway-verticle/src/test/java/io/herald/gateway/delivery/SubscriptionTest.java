package io.herald.gateway.delivery;

import io.herald.core.Broker;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.PublishOutcome;
import io.herald.core.PublishRequest;
import io.herald.core.StreamPosition;
import io.herald.gateway.metrics.HeraldMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery state machine of one subscription, without a node: live messages offered as the channel's address
 * would, history answered by a stand-in for the sequencer, deliveries recorded by a sink. Every offset once and in
 * order: repeats dropped, a gap filled from history (live messages that arrive meanwhile wait and follow), a gap
 * history no longer holds reported as lost, and a new epoch followed from its start.
 */
class SubscriptionTest {

  private static final String CHANNEL = "chat:room";

  private final RecordingSink sink = new RecordingSink();
  private final HistoryStandIn history = new HistoryStandIn();
  private final Subscription subscription = new Subscription(CHANNEL, sink, history);

  @Test
  void repeatsAndOlderOffsetsAreDroppedSoEachOffsetGoesOutOnce() {
    startLive("e1", 0);

    offer("e1", 1, 2, 2, 1, 3);

    assertThat(sink.delivered).containsExactly("e1:1", "e1:2", "e1:3");
    assertThat(history.queries).isEmpty();
  }

  @Test
  void aGapIsFilledFromHistoryAndWhatArrivesMeanwhileFollowsWithoutRepeats() {
    startLive("e1", 0);
    offer("e1", 1);
    Promise<HistoryPage> answer = Promise.promise();
    history.answer = q -> answer.future();

    offer("e1", 4);          // 2 and 3 are missing: catch up from history after 1
    offer("e1", 5, 3, 6);    // arrive while history is read: they wait
    answer.complete(page("e1", 4, 1, 2, 3, 4));

    assertThat(history.queries).extracting(HistoryQuery::afterOffset).containsExactly(1L);
    assertThat(sink.delivered).containsExactly("e1:1", "e1:2", "e1:3", "e1:4", "e1:5", "e1:6");
    assertThat(sink.lost).isEmpty();
  }

  @Test
  void aGapHistoryNoLongerHoldsIsReportedLostAndDeliveryGoesOnFromTheLatest() {
    startLive("e1", 0);
    offer("e1", 1);
    history.answer = q -> Future.succeededFuture(new HistoryPage("e1", 9, 8, List.of(message("e1", 8), message("e1", 9))));

    offer("e1", 9);
    offer("e1", 10);

    assertThat(sink.lost).containsExactly(new StreamPosition("e1", 9));
    assertThat(sink.delivered).containsExactly("e1:1", "e1:10");
  }

  @Test
  void aNewEpochIsFollowedFromItsFirstOffset() {
    startLive("e1", 0);
    offer("e1", 1, 2);

    offer("e2", 1, 2);

    assertThat(sink.delivered).containsExactly("e1:1", "e1:2", "e2:1", "e2:2");
  }

  @Test
  void aNewEpochJoinedLateIsReadFromItsStart() {
    startLive("e1", 0);
    offer("e1", 1);
    history.answer = q -> Future.succeededFuture(page("e2", 3, 1, 2, 3));

    offer("e2", 3);

    assertThat(history.queries).extracting(HistoryQuery::afterOffset).containsExactly(0L);
    assertThat(sink.delivered).containsExactly("e1:1", "e2:1", "e2:2", "e2:3");
  }

  @Test
  void aRecoveringStartReplaysWhatWasMissedThenGoesLive() {
    subscription.start(7L, new StreamPosition("e1", 2), page("e1", 4, 1, 2, 3, 4));

    offer("e1", 4, 5);

    assertThat(sink.starts).containsExactly(SubscriptionSink.Start.RECOVERED);
    assertThat(sink.delivered).containsExactly("e1:3", "e1:4", "e1:5");
  }

  /** herald_recovery_failed_total: counted here, where every protocol's recovery is decided, by reason. */
  @Test
  void failedRecoveriesAreCountedOnTheHubsMetricsBySinceAndByGap() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Vertx vertx = Vertx.vertx();
    try {
      ChannelHub hub = new ChannelHub(vertx.getOrCreateContext(), history, new HeraldMetrics(registry, () -> 0));
      HistoryPage historyNowHolds = page("e1", 9, 8, 9);
      history.answer = q -> Future.succeededFuture(historyNowHolds);
      subscription.open(hub, new StreamPosition("e1", 1)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      subscription.start(2L, new StreamPosition("e1", 1), historyNowHolds); // 2 to 7 are gone: since fails
      history.answer = q -> Future.succeededFuture(page("e1", 12, 11, 12));
      offer("e1", 12); // 10 and 11 missed live, and history no longer has 10: the gap cannot be filled

      assertThat(sink.starts).containsExactly(SubscriptionSink.Start.RECOVERY_FAILED);
      assertThat(sink.lost).containsExactly(new StreamPosition("e1", 12));
      assertThat(registry.get("herald.recovery.failed").tag("reason", "since").counter().count()).isEqualTo(1);
      assertThat(registry.get("herald.recovery.failed").tag("reason", "gap").counter().count()).isEqualTo(1);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A history read that fails (a node cut off from its quorum answers unavailable) says nothing of what is lost: the
   * gap is read again, later and later, and filled when history answers; nothing is reported lost. (Reported at once,
   * each failed read sent a subscriber on a partition's minority a recovery_failed, thousands a second.)
   */
  @Test
  void aGapWhoseHistoryReadFailsIsReadAgainAndFilledNotReportedLost() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context loop = vertx.getOrCreateContext();
      ChannelHub hub = new ChannelHub(loop, history, new HeraldMetrics(new SimpleMeterRegistry(), () -> 0));
      history.answer = q -> Future.succeededFuture(page("e1", 1, 1));
      subscription.open(hub, new StreamPosition("e1", 1)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      List<Long> readsAt = new ArrayList<>();
      history.answer = q -> {
        readsAt.add(System.nanoTime());
        return readsAt.size() <= 2 ? Future.failedFuture(new HeraldException(ErrorCode.UNAVAILABLE, "no quorum"))
            : Future.succeededFuture(page("e1", 4, 2, 3, 4));
      };

      CompletableFuture<Void> fourDelivered = new CompletableFuture<>();
      sink.afterDelivery = () -> {
        if (sink.delivered.size() == 4) {
          fourDelivered.complete(null);
        }
      };

      onLoop(loop, () -> {
        subscription.start(1L, new StreamPosition("e1", 1), page("e1", 1, 1));
        offer("e1", 4); // 2 and 3 missing: the read fails twice, then history answers
        offer("e1", 5); // waits meanwhile
      });
      fourDelivered.get(10, TimeUnit.SECONDS);

      assertThat(onLoop(loop, () -> List.copyOf(sink.delivered))).containsExactly("e1:2", "e1:3", "e1:4", "e1:5");
      assertThat(onLoop(loop, () -> List.copyOf(sink.lost))).isEmpty();
      assertThat(readsAt).hasSize(3);
      assertThat(TimeUnit.NANOSECONDS.toMillis(readsAt.get(2) - readsAt.get(1)))
          .as("the second wait is twice the first").isGreaterThanOrEqualTo(2 * Subscription.GAP_RETRY_FIRST_MS - 50);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anEndedSubscriptionDeliversNothing() {
    startLive("e1", 0);
    subscription.end();

    offer("e1", 1);

    assertThat(sink.delivered).isEmpty();
    assertThat(subscription.active()).isFalse();
  }

  private static void onLoop(Context loop, Runnable action) throws Exception {
    onLoop(loop, () -> {
      action.run();
      return null;
    });
  }

  private static <T> T onLoop(Context loop, Callable<T> read) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.runOnContext(v -> {
      try {
        result.complete(read.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  private void startLive(String epoch, long offset) {
    subscription.start(1L, null, new HistoryPage(epoch, offset, offset + 1, List.of()));
  }

  private void offer(String epoch, long... offsets) {
    for (long offset : offsets) {
      subscription.offer(message(epoch, offset));
    }
  }

  private static Message message(String epoch, long offset) {
    return new Message(CHANNEL, epoch, offset, 0, Buffer.buffer(Long.toString(offset)));
  }

  /** History of {@code epoch} at {@code latest}, holding exactly {@code offsets} (the oldest it keeps is the first). */
  private static HistoryPage page(String epoch, long latest, long... offsets) {
    List<Message> messages = new ArrayList<>();
    for (long offset : offsets) {
      messages.add(message(epoch, offset));
    }
    return new HistoryPage(epoch, latest, offsets.length == 0 ? latest + 1 : offsets[0], messages);
  }

  /** What the subscription hands its subscriber. */
  private static final class RecordingSink implements SubscriptionSink {
    final List<String> delivered = new ArrayList<>();
    final List<StreamPosition> lost = new ArrayList<>();
    final List<Start> starts = new ArrayList<>();
    Runnable afterDelivery = () -> { };

    @Override
    public void started(Subscription subscription, Long requestId, StreamPosition latest, Start how) {
      starts.add(how);
    }

    @Override
    public boolean deliver(Subscription subscription, Message message, long skipped) {
      delivered.add(message.epoch() + ":" + message.offset());
      afterDelivery.run();
      return true;
    }

    @Override
    public void lost(Subscription subscription, StreamPosition latest) {
      lost.add(latest);
    }

    @Override
    public void push(Subscription subscription, Buffer frame) {
    }

    @Override
    public Connection connection() {
      throw new UnsupportedOperationException("no connection in this test");
    }

    @Override
    public int outboundLimit() {
      return Integer.MAX_VALUE;
    }
  }

  /** The sequencer's history as the test says; the subscription asks nothing else of the broker. */
  private static final class HistoryStandIn implements Broker {
    final List<HistoryQuery> queries = new ArrayList<>();
    Function<HistoryQuery, Future<HistoryPage>> answer = q -> Future.failedFuture("no history expected");

    @Override
    public Future<HistoryPage> history(HistoryQuery query) {
      queries.add(query);
      return answer.apply(query);
    }

    @Override
    public Future<Publication> publish(PublishRequest request, boolean mayCreate) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<List<PublishOutcome>> publishAll(List<PublishRequest> requests, boolean mayCreate) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String ownerOf(String channel) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<StreamPosition> position(String channel) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> watch(String channel, boolean mayCreate) {
      return Future.succeededFuture(); // a hub's join
    }

    @Override
    public void unwatch(String channel) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Void> push(String channel, Buffer frame) {
      throw new UnsupportedOperationException();
    }
  }
}
