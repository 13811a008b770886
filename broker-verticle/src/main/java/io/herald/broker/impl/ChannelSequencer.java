package io.herald.broker.impl;

import io.herald.core.ChannelStore;
import io.herald.core.ChannelStore.Appended;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.PublishStamp;
import io.herald.core.StreamPosition;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The sequencer of one channel on this node. Operations run one after another, so messages are
 * appended and sent in offset order even when the store is remote, and a position or history read
 * reflects every publish requested before it. Publishes that arrive while the store is busy are
 * appended together in one batch (one store round trip, one backup write in a cluster). The offsets
 * themselves come from the store, so a sequencer that took over a channel continues its sequence.
 * Each publish's trace (tracing on) is taken when it arrives, and its messages are sent in it: the append that sends
 * them completes in another publish's context (see {@link io.herald.core.tracing.Tracing}).
 * Used only on its shard's event loop.
 */
public final class ChannelSequencer {

  private final String channel;
  private final ChannelStore store;
  private final Fanout fanout;
  /** The wall clock in epoch microseconds: a message's sequencing time. */
  private final LongSupplier microsClock;
  private long lastUsedMs;
  /** Completes when every operation requested so far is done; never failed. */
  private Future<Void> tail = Future.succeededFuture();
  /** Publishes waiting for their turn; later publishes join it until another operation is queued. */
  private Batch open;

  /** @param microsClock the wall clock in epoch microseconds ({@link io.herald.core.WallClock#micros()}) */
  public ChannelSequencer(String channel, ChannelStore store, Fanout fanout, LongSupplier microsClock) {
    this.channel = channel;
    this.store = store;
    this.fanout = fanout;
    this.microsClock = microsClock;
  }

  /** As {@link #publish(List, List, boolean)}, without idempotency keys; completes with the first one's position. */
  public Future<StreamPosition> publish(List<Buffer> data, boolean mayCreate) {
    return publish(data, null, null, mayCreate).map(Publication::first);
  }

  /**
   * Sequences {@code data} together: consecutive offsets in this order, but a message whose idempotency key
   * ({@code keys}: null or one per message) the channel published within its window is not published again (see
   * {@link ChannelStore#append}). With {@code mayCreate} false an unknown channel is refused; such a publish is
   * not batched with those that may create the channel. The messages carry {@code stamp} (null: none) to the nodes
   * that deliver them.
   */
  public Future<Publication> publish(List<Buffer> data, List<String> keys, PublishStamp stamp, boolean mayCreate) {
    touch();
    if (open != null && open.create == mayCreate) {
      return open.add(data, keys, stamp, fanout.trace());
    }
    Batch batch = new Batch(mayCreate);
    open = batch;
    Future<Publication> result = batch.add(data, keys, stamp, fanout.trace());
    tail = tail.transform(ar -> {
      if (open == batch) {
        open = null; // from here on, publishes start the next batch
      }
      return append(batch);
    });
    return result;
  }

  public Future<StreamPosition> position() {
    return then(() -> store.position(channel));
  }

  public Future<HistoryPage> read(HistoryQuery query) {
    return then(() -> store.read(query));
  }

  public Future<ChannelStore.Occupancy> watch(String node, boolean watching, boolean mayCreate) {
    return then(() -> store.watch(channel, node, watching, mayCreate));
  }

  /** Sends an unsequenced frame to the nodes watching the channel. */
  public Future<Void> push(Buffer frame) {
    return then(() -> store.watchers(channel).map(watchers -> {
      fanout.frame(channel, frame, watchers);
      return null;
    }));
  }

  /**
   * Whether nothing is queued or in flight and nothing happened since {@code sinceMs}, so the
   * sequencer can be dropped (its state is in the store).
   */
  public boolean idleSince(long sinceMs) {
    return tail.isComplete() && lastUsedMs < sinceMs;
  }

  private <T> Future<T> then(Supplier<Future<T>> operation) {
    touch();
    open = null; // publishes requested after this operation are answered after it
    Future<T> result = tail.transform(ar -> operation.get());
    tail = result.transform(ar -> Future.succeededFuture());
    return result;
  }

  private Future<Void> append(Batch batch) {
    long tsMicros = microsClock.getAsLong();
    return store.append(channel, batch.data, batch.keys, Math.floorDiv(tsMicros, 1_000), batch.create).transform(ar -> {
      if (ar.succeeded()) {
        Appended appended = ar.result();
        Publication publication = appended.publication();
        long offset = publication.firstOffset();
        int request = 0;
        for (int i = 0; i < batch.data.size(); i++) {
          while (request + 1 < batch.results.size() && batch.results.get(request + 1).first <= i) {
            request++;
          }
          if (!publication.duplicate(i)) {
            Pending from = batch.results.get(request);
            fanout.message(Message.sequenced(channel, publication.epoch(), offset++, tsMicros, batch.data.get(i),
                from.stamp()), appended.watchers(), from.trace());
          }
        }
        for (Pending p : batch.results) {
          p.result.complete(publication.slice(p.first, p.count));
        }
      } else {
        batch.results.forEach(p -> p.result.fail(ar.cause()));
      }
      // The sequencer outlives the batch (its tail refers to it) by up to BrokerVerticle.SEQUENCER_IDLE_MS: let the
      // data go now, or every channel published to in that time keeps its last batch (a refused one too).
      batch.data.clear();
      batch.keys = null;
      batch.results.clear();
      return Future.succeededFuture();
    });
  }

  private void touch() {
    lastUsedMs = Math.floorDiv(microsClock.getAsLong(), 1_000);
  }

  /** Publishes appended together; each request's messages are a run of {@link #data} from its {@code first}. */
  private static final class Batch {
    final boolean create;
    final List<Buffer> data = new ArrayList<>(1);
    /** Null until a request brings idempotency keys; then one per message of {@link #data}. */
    List<String> keys;
    final List<Pending> results = new ArrayList<>(1);

    Batch(boolean create) {
      this.create = create;
    }

    /**
     * @param stamp the request's publish stamp, its messages' (null: none)
     * @param trace the request's trace, its messages' ({@link Fanout#trace}), or null
     */
    Future<Publication> add(List<Buffer> messages, List<String> messageKeys, PublishStamp stamp, Context trace) {
      Pending pending = new Pending(Promise.promise(), data.size(), messages.size(), stamp, trace);
      if (messageKeys != null && keys == null) {
        keys = new ArrayList<>(Collections.nCopies(data.size(), null));
      }
      if (keys != null) {
        keys.addAll(messageKeys != null ? messageKeys : Collections.nCopies(messages.size(), null));
      }
      data.addAll(messages);
      results.add(pending);
      return pending.result.future();
    }
  }

  /**
   * One publish request of a batch: its messages are {@code count} from {@code first}, with its {@code stamp} and
   * {@code trace} (either may be null).
   */
  private record Pending(Promise<Publication> result, int first, int count, PublishStamp stamp, Context trace) {
  }
}
