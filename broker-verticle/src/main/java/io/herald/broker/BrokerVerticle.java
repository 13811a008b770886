package io.herald.broker;

import io.herald.broker.impl.ChannelSequencer;
import io.herald.broker.impl.Fanout;
import io.herald.broker.impl.OccupancyEvents;
import io.herald.core.Addresses;
import io.herald.core.BusRejections;
import io.herald.core.ChannelName;
import io.herald.core.ChannelStore;
import io.herald.core.ErrorCode;
import io.herald.core.EventBusBroker;
import io.herald.core.HeraldException;
import io.herald.core.HistoryQuery;
import io.herald.core.Publication;
import io.herald.core.PublishBatch;
import io.herald.core.PublishOutcome;
import io.herald.core.PublishOutcomes;
import io.herald.core.PublishRequest;
import io.herald.core.SequencerOp;
import io.herald.core.WallClock;
import io.herald.core.tracing.Tracing;
import io.herald.core.webhooks.Webhooks;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One sequencer shard of a node: the writer of the channels that hash to it among those the node owns
 * (all of them standalone; those of its Hazelcast partitions in a cluster). It answers
 * {@link SequencerOp} requests on {@link Addresses#sequencerShard(String, int)}, keeps a
 * {@link ChannelSequencer} per active channel and sends every sequenced message to the nodes watching
 * the channel.
 */
public class BrokerVerticle extends VerticleBase {

  /** A sequencer unused this long is dropped (its state is in the store). */
  static final long SEQUENCER_IDLE_MS = 60_000;
  static final long SWEEP_INTERVAL_MS = 5_000;

  private final String node;
  private final int shard;
  private final ChannelStore store;
  private final boolean clustered;
  private final BusRejections rejections;
  private final OccupancyEvents occupancyEvents;
  private final Tracing tracing;
  private final Map<String, ChannelSequencer> sequencers = new HashMap<>();
  private Fanout fanout;
  private MessageConsumer<Object> consumer;
  private long sweepTimer;

  /**
   * Opens {@code node}'s inbox, then deploys its {@code shards} sequencer shards, shard {@code n} over
   * {@code storeOfShard.apply(n)}: a node's broker side, as the node and the gateway's test fixture both start it.
   */
  public static Future<Void> deployNode(Vertx vertx, String node, int shards, IntFunction<ChannelStore> storeOfShard,
                                        boolean clustered, BusRejections rejections, Webhooks webhooks, Tracing tracing) {
    Future<?> started = NodeInbox.open(vertx.eventBus(), node, rejections, tracing);
    for (int shard = 0; shard < shards; shard++) {
      int s = shard;
      started = started.compose(v -> vertx.deployVerticle(
          new BrokerVerticle(node, s, storeOfShard.apply(s), clustered, rejections, webhooks, tracing)));
    }
    return started.mapEmpty();
  }

  /**
   * @param node      this node's id
   * @param clustered whether other nodes send requests here (a cluster-wide consumer) or only this one
   */
  public BrokerVerticle(String node, int shard, ChannelStore store, boolean clustered) {
    this(node, shard, store, clustered, new BusRejections(), Webhooks.OFF, Tracing.OFF);
  }

  /**
   * @param rejections where requests refused for a bad channel name, body or header are counted
   * @param webhooks   where the channels this shard sees occupied or vacated (cluster-wide) are reported
   * @param tracing    how sequenced messages continue their publish's trace ({@link Fanout})
   */
  public BrokerVerticle(String node, int shard, ChannelStore store, boolean clustered, BusRejections rejections,
                        Webhooks webhooks, Tracing tracing) {
    this.node = node;
    this.shard = shard;
    this.store = store;
    this.clustered = clustered;
    this.rejections = rejections;
    this.occupancyEvents = new OccupancyEvents(webhooks);
    this.tracing = tracing;
  }

  @Override
  public Future<?> start() {
    fanout = new Fanout(vertx.eventBus(), node, tracing);
    String address = Addresses.sequencerShard(node, shard);
    consumer = clustered ? vertx.eventBus().consumer(address, this::handle) : vertx.eventBus().localConsumer(address, this::handle);
    sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sweep());
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return consumer.unregister();
  }

  private void handle(Message<Object> request) {
    SequencerOp op = operation(request);
    String refused = op == null ? "unknown sequencer operation" : malformed(op, request);
    if (refused != null) {
      // Another member (or whoever reached the bus) sent what no Herald node sends: nothing is stored.
      rejections.reject(BusRejections.Handler.SEQUENCER, request.address(), refused);
      request.fail(EventBusBroker.failureCode(ErrorCode.BAD_REQUEST), refused);
      return;
    }
    Future<?> reply = switch (op) {
      case PUBLISH -> {
        PublishRequest publish = (PublishRequest) request.body();
        yield sequencer(publish.channel()).publish(publish.data(), publish.keys(), publish.stamp(), mayCreate(request));
      }
      case PUBLISH_BATCH -> {
        boolean mayCreate = mayCreate(request);
        List<Future<Publication>> published = ((PublishBatch) request.body()).requests().stream()
            .map(p -> sequencer(p.channel()).publish(p.data(), p.keys(), p.stamp(), mayCreate)).toList();
        yield Future.join(published).transform(ar -> Future.succeededFuture(new PublishOutcomes(published.stream()
            .map(f -> f.succeeded() ? PublishOutcome.of(f.result()) : PublishOutcome.failed(f.cause())).toList())));
      }
      case POSITION -> sequencer((String) request.body()).position();
      case HISTORY -> {
        HistoryQuery query = (HistoryQuery) request.body();
        yield sequencer(query.channel()).read(query);
      }
      case WATCH, UNWATCH -> {
        String channel = (String) request.body();
        yield sequencer(channel).watch(request.headers().get(SequencerOp.NODE), op == SequencerOp.WATCH, mayCreate(request))
            .map(occupancy -> {
              occupancyEvents.changed(channel, occupancy);
              return null;
            });
      }
      case PUSH -> sequencer(request.headers().get(SequencerOp.CHANNEL)).push((Buffer) request.body());
    };
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        request.reply(ar.result());
      } else {
        // A refusal (rate_limited, too_many_channels) reaches the client with its code; anything else is internal.
        ErrorCode code = ar.cause() instanceof HeraldException he ? he.code() : ErrorCode.INTERNAL;
        request.fail(EventBusBroker.failureCode(code), ar.cause().getMessage());
      }
    });
  }

  private static SequencerOp operation(Message<Object> request) {
    String op = request.headers().get(SequencerOp.HEADER);
    for (SequencerOp known : SequencerOp.values()) {
      if (known.name().equals(op)) {
        return known;
      }
    }
    return null;
  }

  /** Why a request cannot come from a Herald node (wrong body type, invalid channel name, no node), or null. */
  private static String malformed(SequencerOp op, Message<Object> request) {
    Object body = request.body();
    String channel = switch (op) {
      case PUBLISH -> body instanceof PublishRequest p && wellFormed(p) ? p.channel() : null;
      case PUBLISH_BATCH -> body instanceof PublishBatch b && !b.requests().isEmpty()
          && b.requests().stream().allMatch(p -> wellFormed(p) && ChannelName.isValid(p.channel()))
          ? b.requests().get(0).channel() : null;
      case HISTORY -> body instanceof HistoryQuery q ? q.channel() : null;
      case POSITION, WATCH, UNWATCH -> body instanceof String s ? s : null;
      case PUSH -> body instanceof Buffer ? request.headers().get(SequencerOp.CHANNEL) : null;
    };
    if (!ChannelName.isValid(channel)) {
      return "invalid channel name or body";
    }
    if ((op == SequencerOp.WATCH || op == SequencerOp.UNWATCH) && !BusRejections.isNodeId(request.headers().get(SequencerOp.NODE))) {
      return "watch without a valid node";
    }
    return null;
  }

  private static boolean wellFormed(PublishRequest p) {
    return p.data() != null && !p.data().isEmpty() && p.wellFormedKeys();
  }

  private static boolean mayCreate(Message<Object> request) {
    return !request.headers().contains(SequencerOp.NO_CREATE);
  }

  private ChannelSequencer sequencer(String channel) {
    ChannelSequencer s = sequencers.get(channel);
    if (s == null) {
      s = new ChannelSequencer(channel, store, fanout, WallClock::micros);
      sequencers.put(channel, s);
    }
    return s;
  }

  private void sweep() {
    long idleBefore = System.currentTimeMillis() - SEQUENCER_IDLE_MS;
    sequencers.values().removeIf(s -> s.idleSince(idleBefore));
    store.sweep();
  }
}
