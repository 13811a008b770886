package io.herald.gateway.delivery;

import io.herald.core.Addresses;
import io.herald.core.Broker;
import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.herald.gateway.metrics.HeraldMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;


import java.util.HashMap;
import java.util.Map;

/**
 * The channels subscribed on one gateway event loop. A channel's local address gets one consumer,
 * registered with its first local subscriber and removed with its last, together with a
 * {@linkplain Broker#watch watch} that makes the channel's sequencer send this node its messages; so
 * this loop receives each message of a channel once and writes the same encoded frame to every
 * subscriber. It also knows where each channel stands on this loop (the last message it dispatched), so
 * that a subscriber joining a channel the loop already watches starts there without asking the sequencer.
 * Used only on its event loop.
 */
public final class ChannelHub {

  private final EventBus bus;
  /** The loop's context: the timers of its subscriptions run on it, on the loop's thread. */
  private final ContextInternal context;
  private final Broker broker;
  private final HeraldMetrics metrics;
  private final Map<String, LocalChannel> channels = new HashMap<>();

  /** The hub of the event loop of {@code context} (a gateway verticle's). */
  public ChannelHub(Context context, Broker broker, HeraldMetrics metrics) {
    this.context = (ContextInternal) context;
    this.bus = context.owner().eventBus();
    this.broker = broker;
    this.metrics = metrics;
  }

  /**
   * Adds a subscriber; completes once the channel's consumer is registered and the sequencer knows this
   * node watches it (at once if both already were).
   */
  public Future<Void> join(Subscription subscription) {
    return join(subscription, true);
  }

  /**
   * As {@link #join(Subscription)}; {@code mayCreate} false: the watch this loop sends for a channel new
   * to it fails with rate_limited if the store does not hold the channel (see {@link Broker#watch(String, boolean)}).
   */
  public Future<Void> join(Subscription subscription, boolean mayCreate) {
    LocalChannel channel = channels.get(subscription.channel());
    if (channel == null) {
      channel = new LocalChannel(subscription.channel(), mayCreate);
      channels.put(subscription.channel(), channel);
      metrics.channels(1);
    }
    channel.subscribers.add(subscription);
    return channel.registered;
  }

  /** Whether this loop already has subscribers of {@code channel} (so a subscribe cannot create it). */
  public boolean has(String channel) {
    return channels.containsKey(channel);
  }

  /**
   * Where {@code channel} stands on this loop: the last message dispatched to its subscribers, or the position
   * the sequencer reported once this loop's watch was in place ({@link #learned}); null when neither is known.
   * Every message after it reaches this loop's subscribers, so a subscriber that joins now may start there.
   */
  public StreamPosition latest(String channel) {
    LocalChannel local = channels.get(channel);
    return local == null || local.latestEpoch == null ? null : new StreamPosition(local.latestEpoch, local.latestOffset);
  }

  /**
   * The sequencer reported {@code position} for {@code channel} after this loop's watch was in place: kept unless a
   * message was dispatched since (which is where the channel stands then).
   */
  public void learned(String channel, StreamPosition position) {
    LocalChannel local = channels.get(channel);
    if (local != null && local.latestEpoch == null) {
      local.advance(position.epoch(), position.offset());
    }
  }

  /**
   * Runs {@code action} on this loop after {@code delayMs}; returns the timer's id for {@link #cancel}. Callable from
   * the loop's thread whatever Vert.x context is current (a WebSocket's frames arrive outside any).
   */
  public long later(long delayMs, Runnable action) {
    return context.setTimer(delayMs, id -> action.run());
  }

  public void cancel(long timerId) {
    context.owner().cancelTimer(timerId);
  }

  /**
   * A subscription of this loop could not recover what it missed ({@code herald_recovery_failed_total}): {@code gap}
   * false, history no longer held its subscribe's {@code since}; true, history could not fill a gap in live delivery.
   */
  void recoveryFailed(boolean gap) {
    if (gap) {
      metrics.recoveryFailedGap();
    } else {
      metrics.recoveryFailedSince();
    }
  }

  public void leave(Subscription subscription) {
    LocalChannel channel = channels.get(subscription.channel());
    if (channel != null && channel.subscribers.remove(subscription) && channel.subscribers.isEmpty()) {
      channels.remove(subscription.channel());
      channel.consumer.unregister();
      broker.unwatch(subscription.channel());
      metrics.channels(-1);
    }
  }

  private final class LocalChannel {
    final MessageConsumer<Object> consumer;
    final Future<Void> registered;
    final Subscribers subscribers = new Subscribers();
    /** The last position dispatched (or learned); null epoch while unknown. Never moves back within an epoch. */
    String latestEpoch;
    long latestOffset;

    LocalChannel(String name, boolean mayCreate) {
      consumer = bus.localConsumer(Addresses.channel(name), message -> dispatch(message.body()));
      registered = consumer.completion().compose(v -> broker.watch(name, mayCreate));
    }

    void advance(String epoch, long offset) {
      if (!epoch.equals(latestEpoch) || offset > latestOffset) {
        latestEpoch = epoch;
        latestOffset = offset;
      }
    }

    void dispatch(Object body) {
      if (body instanceof Message message) {
        advance(message.epoch(), message.offset());
        int written = subscribers.offer(message);
        if (written > 0) {
          metrics.delivered(written, message);
        }
      } else if (body instanceof Buffer frame) {
        subscribers.push(frame);
      }
    }
  }
}
