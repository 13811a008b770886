package io.herald.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * {@link Broker} for any verticle: sends each request to the sequencer shard that owns the channel
 * and turns failure replies back into {@link HeraldException}s.
 */
public final class EventBusBroker implements Broker {

  private static final ErrorCode[] CODES = ErrorCode.values();

  private final EventBus bus;
  private final int shards;
  private final DeliveryOptions publish;
  private final DeliveryOptions position;
  private final DeliveryOptions history;

  public EventBusBroker(Vertx vertx, int shards, long timeoutMs) {
    this.bus = vertx.eventBus();
    this.shards = shards;
    this.publish = options(SequencerOp.PUBLISH, timeoutMs);
    this.position = options(SequencerOp.POSITION, timeoutMs);
    this.history = options(SequencerOp.HISTORY, timeoutMs);
  }

  private static DeliveryOptions options(SequencerOp op, long timeoutMs) {
    return new DeliveryOptions().addHeader(SequencerOp.HEADER, op.name()).setSendTimeout(timeoutMs);
  }

  @Override
  public Future<StreamPosition> publish(String channel, Buffer data) {
    return request(channel, new PublishRequest(channel, data), publish);
  }

  @Override
  public Future<StreamPosition> position(String channel) {
    return request(channel, channel, position);
  }

  @Override
  public Future<HistoryPage> history(HistoryQuery query) {
    return request(query.channel(), query, history);
  }

  private <T> Future<T> request(String channel, Object body, DeliveryOptions options) {
    return bus.<T>request(Addresses.sequencer(channel, shards), body, options)
        .transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result().body()) : Future.failedFuture(translate(ar.cause())));
  }

  /** Failure code of a reply: the {@link ErrorCode} ordinal; anything else is internal. */
  public static int failureCode(ErrorCode code) {
    return code.ordinal();
  }

  private static Throwable translate(Throwable cause) {
    if (cause instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() >= 0 && re.failureCode() < CODES.length) {
      return new HeraldException(CODES[re.failureCode()], re.getMessage());
    }
    return new HeraldException(ErrorCode.INTERNAL, "broker unavailable: " + cause.getMessage());
  }
}
