package io.herald.broker;

import io.herald.broker.impl.ChannelSequencer;
import io.herald.broker.impl.Fanout;
import io.herald.core.Addresses;
import io.herald.core.ChannelStore;
import io.herald.core.ErrorCode;
import io.herald.core.EventBusBroker;
import io.herald.core.HeraldException;
import io.herald.core.HistoryQuery;
import io.herald.core.PublishRequest;
import io.herald.core.SequencerOp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.HashMap;
import java.util.Map;

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
  private final Map<String, ChannelSequencer> sequencers = new HashMap<>();
  private Fanout fanout;
  private MessageConsumer<Object> consumer;
  private long sweepTimer;

  /**
   * @param node      this node's id
   * @param clustered whether other nodes send requests here (a cluster-wide consumer) or only this one
   */
  public BrokerVerticle(String node, int shard, ChannelStore store, boolean clustered) {
    this.node = node;
    this.shard = shard;
    this.store = store;
    this.clustered = clustered;
  }

  @Override
  public Future<?> start() {
    fanout = new Fanout(vertx.eventBus(), node);
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
    SequencerOp op;
    try {
      op = SequencerOp.valueOf(request.headers().get(SequencerOp.HEADER));
    } catch (RuntimeException e) {
      request.fail(EventBusBroker.failureCode(ErrorCode.BAD_REQUEST), "unknown sequencer operation");
      return;
    }
    Future<?> reply = switch (op) {
      case PUBLISH -> {
        PublishRequest publish = (PublishRequest) request.body();
        yield sequencer(publish.channel()).publish(publish.data(), mayCreate(request));
      }
      case POSITION -> sequencer((String) request.body()).position();
      case HISTORY -> {
        HistoryQuery query = (HistoryQuery) request.body();
        yield sequencer(query.channel()).read(query);
      }
      case WATCH, UNWATCH -> sequencer((String) request.body())
          .watch(request.headers().get(SequencerOp.NODE), op == SequencerOp.WATCH, mayCreate(request));
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

  private static boolean mayCreate(Message<Object> request) {
    return !request.headers().contains(SequencerOp.NO_CREATE);
  }

  private ChannelSequencer sequencer(String channel) {
    ChannelSequencer s = sequencers.get(channel);
    if (s == null) {
      s = new ChannelSequencer(channel, store, fanout, System::currentTimeMillis);
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
