package io.herald.broker;

import io.herald.broker.impl.ChannelSequencer;
import io.herald.core.Addresses;
import io.herald.core.ErrorCode;
import io.herald.core.EventBusBroker;
import io.herald.core.History;
import io.herald.core.HistoryQuery;
import io.herald.core.PublishRequest;
import io.herald.core.SequencerOp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.HashMap;
import java.util.Map;

/**
 * One sequencer shard: the single writer of the channels whose names hash to it. It answers
 * {@link SequencerOp} requests on {@link Addresses#sequencerShard(int)}, keeps a {@link ChannelSequencer}
 * per active channel and publishes every sequenced message on the channel's address.
 */
public class BrokerVerticle extends VerticleBase {

  /** A sequencer unused this long is dropped (and rebuilt from history when needed again). */
  static final long SEQUENCER_IDLE_MS = 60_000;
  static final long SWEEP_INTERVAL_MS = 5_000;

  private final int shard;
  private final History history;
  private final Map<String, ChannelSequencer> sequencers = new HashMap<>();
  private MessageConsumer<Object> consumer;
  private long sweepTimer;

  public BrokerVerticle(int shard, History history) {
    this.shard = shard;
    this.history = history;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.sequencerShard(shard), this::handle);
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
        yield sequencer(publish.channel()).publish(publish.data());
      }
      case POSITION -> sequencer((String) request.body()).position();
      case HISTORY -> {
        HistoryQuery query = (HistoryQuery) request.body();
        yield sequencer(query.channel()).read(query);
      }
    };
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        request.reply(ar.result());
      } else {
        request.fail(EventBusBroker.failureCode(ErrorCode.INTERNAL), ar.cause().getMessage());
      }
    });
  }

  private ChannelSequencer sequencer(String channel) {
    ChannelSequencer s = sequencers.get(channel);
    if (s == null) {
      s = new ChannelSequencer(channel, history, vertx.eventBus(), System::currentTimeMillis);
      sequencers.put(channel, s);
    }
    return s;
  }

  private void sweep() {
    long idleBefore = System.currentTimeMillis() - SEQUENCER_IDLE_MS;
    sequencers.values().removeIf(s -> s.idleSince(idleBefore));
    history.sweep();
  }
}
