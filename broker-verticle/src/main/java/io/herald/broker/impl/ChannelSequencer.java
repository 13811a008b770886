package io.herald.broker.impl;

import io.herald.core.Addresses;
import io.herald.core.RandomIds;
import io.herald.core.History;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * The single sequencer of one channel. Every operation is chained behind the previous one, so
 * offsets are assigned, appended to history and published in order even when history is
 * asynchronous, and a position or history read reflects every publish requested before it.
 * Used only on its shard's event loop.
 */
public final class ChannelSequencer {

  private final String channel;
  private final String address;
  private final History history;
  private final EventBus bus;
  private final LongSupplier clock;
  private String epoch;
  private long offset;
  private long lastUsedMs;
  /** Completes when every operation requested so far is done; never failed. */
  private Future<Void> tail;

  public ChannelSequencer(String channel, History history, EventBus bus, LongSupplier clock) {
    this.channel = channel;
    this.address = Addresses.channel(channel);
    this.history = history;
    this.bus = bus;
    this.clock = clock;
    this.tail = history.lastPosition(channel).transform(ar -> {
      StreamPosition last = ar.succeeded() ? ar.result() : null;
      // Without a stored position the channel starts a new epoch: any earlier history is lost.
      epoch = last == null ? RandomIds.epoch() : last.epoch();
      offset = last == null ? 0 : last.offset();
      return Future.succeededFuture();
    });
  }

  public Future<StreamPosition> publish(Buffer data) {
    touch();
    Future<StreamPosition> result = tail.compose(v -> {
      Message message = new Message(channel, epoch, offset + 1, clock.getAsLong(), data);
      return history.append(message).map(appended -> {
        offset = message.offset();
        bus.publish(address, message);
        return new StreamPosition(epoch, offset);
      });
    });
    tail = result.transform(ar -> Future.succeededFuture());
    return result;
  }

  public Future<StreamPosition> position() {
    touch();
    Future<StreamPosition> result = tail.map(v -> new StreamPosition(epoch, offset));
    tail = result.mapEmpty();
    return result;
  }

  public Future<HistoryPage> read(HistoryQuery query) {
    touch();
    Future<HistoryPage> result = tail.compose(v -> history.read(query))
        .map(page -> page != null ? page : new HistoryPage(epoch, offset, offset + 1, List.of()));
    tail = result.transform(ar -> Future.succeededFuture());
    return result;
  }

  private void touch() {
    lastUsedMs = clock.getAsLong();
  }

  /**
   * Whether nothing is in flight and nothing happened since {@code sinceMs}, so the sequencer can be
   * dropped: it is rebuilt from {@link History#lastPosition} on next use.
   */
  public boolean idleSince(long sinceMs) {
    return tail.isComplete() && lastUsedMs < sinceMs;
  }
}
