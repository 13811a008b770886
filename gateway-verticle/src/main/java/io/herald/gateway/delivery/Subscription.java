package io.herald.gateway.delivery;

import io.herald.core.Broker;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.herald.core.config.NamespaceOptions;
import io.herald.gateway.delivery.SubscriptionSink.Start;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * One subscriber's subscription to one channel, for /ws and GraphQL alike: it delivers each offset
 * of the channel exactly once and in order. While it catches up (at subscribe, or to fill a gap)
 * live messages wait in {@code pending}; then history is replayed and the pending messages follow,
 * skipping what was already delivered. Used only on its subscriber's event loop.
 */
public final class Subscription {

  /** After a failed history read a gap is read again after this long, doubling up to {@link #GAP_RETRY_MAX_MS}. */
  static final long GAP_RETRY_FIRST_MS = 250;
  static final long GAP_RETRY_MAX_MS = 4_000;
  /** Reads failing this long give the gap up as lost, as when history no longer holds it. */
  static final long GAP_GIVE_UP_MS = 60_000;

  private final String channel;
  private final SubscriptionSink sink;
  private final Broker broker;
  /** The namespace's cache option: a subscription without {@code since} starts with the latest message. */
  private final boolean latestFirst;
  /** The namespace's max_rate as the least time between two deliveries (ms); 0: every message at once. */
  private final long minIntervalMs;
  /** The namespace's batch_ms: how long this subscription's deliveries may wait for others of its connection. */
  private final int batchMs;
  /** The loop's hub, from {@link #open}: with max_rate, its timers deliver held messages. */
  private ChannelHub hub;
  /** With max_rate: the newest message not delivered yet, waiting for its turn; null when none. */
  private Message held;
  /** Messages passed over since the last delivery (replaced while held). */
  private long skipped;
  /** With max_rate: when the next delivery may go out (epoch ms). */
  private long nextDeliveryMs;
  private long heldTimer = -1;
  /** The timer of a gap's next history read after a failed one; -1 when none waits. */
  private long gapRetryTimer = -1;
  private String epoch;
  private long lastOffset;
  /** Non-null while catching up: live messages that arrived meanwhile. */
  private List<Message> pending = new ArrayList<>();
  private long pendingBytes;
  private boolean ended;
  /** Where this subscription sits in its channel's {@link Subscribers}; -1 while not there. */
  int slot = -1;

  /** A subscription with no delivery mode of a namespace (the latest message on subscribe, ...). */
  public Subscription(String channel, SubscriptionSink sink, Broker broker) {
    this(channel, sink, broker, NamespaceOptions.DEFAULT);
  }

  /** A subscription delivering as {@code options} (the channel's namespace's) say. */
  public Subscription(String channel, SubscriptionSink sink, Broker broker, NamespaceOptions options) {
    this.channel = channel;
    this.sink = sink;
    this.broker = broker;
    this.latestFirst = options.cache();
    this.batchMs = options.batchMs();
    this.minIntervalMs = options.maxRate() == 0 ? 0 : Math.max(1, (1000 + options.maxRate() - 1) / options.maxRate());
  }

  public String channel() {
    return channel;
  }

  /** How long a delivery may wait to go out with the connection's others (namespace batch_ms; 0: at once). */
  public int batchMs() {
    return batchMs;
  }

  public boolean active() {
    return pending == null && !ended;
  }

  /**
   * Joins the loop's hub and reads where to start: the channel's position, or with {@code since}
   * the history after it. The hub registration completes first, so together with what arrives
   * meanwhile the answer covers every message. The position of a channel the loop already watches is the
   * hub's, with no round trip to the sequencer. Complete the start with {@link #start}.
   */
  public Future<HistoryPage> open(ChannelHub hub, StreamPosition since) {
    return open(hub, since, true);
  }

  /**
   * As {@link #open(ChannelHub, StreamPosition)}; {@code mayCreate} false: only if the channel exists (see
   * {@link Broker}). With the namespace's {@code cache}, a subscription without {@code since} starts with the
   * channel's latest message, read from history after the hub registration like a replay, so nothing between it and
   * the live messages is lost.
   */
  public Future<HistoryPage> open(ChannelHub hub, StreamPosition since, boolean mayCreate) {
    this.hub = hub;
    return hub.join(this, mayCreate).compose(v -> {
      if (since != null) {
        return broker.history(new HistoryQuery(channel, since.offset(), Integer.MAX_VALUE));
      }
      if (latestFirst) {
        return broker.history(HistoryQuery.latest(channel, 1));
      }
      StreamPosition known = hub.latest(channel);
      if (known != null) {
        return Future.succeededFuture(startingAt(known));
      }
      return broker.position(channel).map(p -> {
        hub.learned(channel, p);
        return startingAt(p);
      });
    });
  }

  private static HistoryPage startingAt(StreamPosition position) {
    return new HistoryPage(position.epoch(), position.offset(), position.offset() + 1, List.of());
  }

  /** Completes {@link #open}: reports the start to the sink, replays what was missed, then goes live. */
  public void start(Long requestId, StreamPosition since, HistoryPage page) {
    StreamPosition latest = new StreamPosition(page.epoch(), page.latest());
    if (since == null) {
      sink.started(this, requestId, latest, Start.LIVE);
      List<Message> cached = page.messages(); // the latest message with latestFirst, else none
      resume(cached.isEmpty() ? latest : new StreamPosition(page.epoch(), cached.get(0).offset() - 1), cached);
    } else if (page.covers(since.epoch(), since.offset())) {
      sink.started(this, requestId, latest, Start.RECOVERED);
      resume(since, page.messages());
    } else {
      recoveryFailed(false);
      sink.started(this, requestId, latest, Start.RECOVERY_FAILED);
      resume(latest, List.of());
    }
  }

  /** Stops delivery; the owner removes it from the hub. */
  public void end() {
    ended = true;
    held = null;
    if (heldTimer >= 0) {
      hub.cancel(heldTimer);
      heldTimer = -1;
    }
    if (gapRetryTimer >= 0) {
      hub.cancel(gapRetryTimer);
      gapRetryTimer = -1;
    }
  }

  /** A live message from the channel's address; returns whether it was written to the subscriber. */
  boolean offer(Message message) {
    if (ended) {
      return false;
    }
    if (pending != null) {
      pending.add(message);
      pendingBytes += message.data().length();
      if (pendingBytes > sink.outboundLimit()) {
        sink.overflow();
      }
      return false;
    }
    if (!message.epoch().equals(epoch)) {
      if (message.offset() != 1) {
        // History was reset elsewhere and we joined the new epoch late: fetch what we missed.
        catchUp(message, new StreamPosition(message.epoch(), 0));
        return false;
      }
      epoch = message.epoch();
      lastOffset = 0;
    }
    if (message.offset() <= lastOffset) {
      return false;
    }
    if (message.offset() > lastOffset + 1) {
      catchUp(message, new StreamPosition(epoch, lastOffset));
      return false;
    }
    lastOffset = message.offset();
    return minIntervalMs == 0 ? sink.deliver(this, message, 0) : conflate(message);
  }

  /**
   * max_rate: delivers {@code message} now if the last delivery is at least the interval old and nothing waits;
   * otherwise holds it, replacing (and counting as skipped) a message that waited, until the interval is up. Every
   * message is still sequenced first (gaps filled, offsets checked): only what goes out is thinned, so the offsets a
   * subscriber sees stay true and it can recover from any of them.
   */
  private boolean conflate(Message message) {
    long now = System.currentTimeMillis();
    if (held == null && now >= nextDeliveryMs) {
      nextDeliveryMs = now + minIntervalMs;
      return sink.deliver(this, message, 0);
    }
    if (held != null) {
      skipped++;
    }
    held = message;
    if (heldTimer < 0) {
      heldTimer = hub.later(Math.max(1, nextDeliveryMs - now), this::deliverHeld);
    }
    return false;
  }

  private void deliverHeld() {
    heldTimer = -1;
    Message message = held;
    if (ended || message == null) {
      return;
    }
    long passedOver = skipped;
    held = null;
    skipped = 0;
    nextDeliveryMs = System.currentTimeMillis() + minIntervalMs;
    sink.deliver(this, message, passedOver);
  }

  /** A presence event or other unsequenced push for this channel. */
  void push(Buffer frame) {
    if (active()) {
      sink.push(this, frame);
    }
  }

  private void catchUp(Message trigger, StreamPosition from) {
    pending = new ArrayList<>();
    pending.add(trigger);
    pendingBytes = trigger.data().length();
    fillGap(from, System.currentTimeMillis(), GAP_RETRY_FIRST_MS);
  }

  /**
   * Reads the history after {@code from} and replays it, then what waits in {@code pending}. A read that fails (the
   * channel's owner unreachable, a node cut off from its quorum) says nothing of what is lost: the read is tried
   * again, {@code retryMs} later and doubling, while live messages keep waiting (within the outbound limit), until
   * {@link #GAP_GIVE_UP_MS} since {@code firstTryMs}. Reporting each failure as lost sent a subscriber on a
   * partition's minority a recovery_failed per read, thousands a second.
   */
  private void fillGap(StreamPosition from, long firstTryMs, long retryMs) {
    broker.history(new HistoryQuery(channel, from.offset(), Integer.MAX_VALUE)).onComplete(ar -> {
      if (ended) {
        return;
      }
      if (ar.failed() && hub != null && System.currentTimeMillis() - firstTryMs < GAP_GIVE_UP_MS) {
        gapRetryTimer = hub.later(retryMs, () -> {
          gapRetryTimer = -1;
          if (!ended) {
            fillGap(from, firstTryMs, Math.min(GAP_RETRY_MAX_MS, retryMs * 2));
          }
        });
        return;
      }
      HistoryPage page = ar.succeeded() ? ar.result() : null;
      if (page != null && page.covers(from.epoch(), from.offset())) {
        resume(from, page.messages());
      } else {
        StreamPosition latest = page != null ? new StreamPosition(page.epoch(), page.latest()) : from;
        recoveryFailed(true);
        sink.lost(this, latest);
        resume(latest, List.of());
      }
    });
  }

  /** Counted for every protocol here, where each failed recovery is decided; the sink tells its client. */
  private void recoveryFailed(boolean gap) {
    if (hub != null) { // null only for a subscription started without open (unit tests)
      hub.recoveryFailed(gap);
    }
  }

  /** Delivers {@code replay} (history after {@code from}), then the messages that waited. */
  private void resume(StreamPosition from, List<Message> replay) {
    epoch = from.epoch();
    lastOffset = from.offset();
    List<Message> waiting = pending;
    pending = null;
    pendingBytes = 0;
    for (Message m : replay) {
      offer(m);
    }
    for (Message m : waiting) {
      offer(m);
    }
  }
}
