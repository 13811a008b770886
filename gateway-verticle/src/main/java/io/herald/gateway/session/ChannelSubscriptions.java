package io.herald.gateway.session;

import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.StreamPosition;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.delivery.ChannelHub;
import io.herald.gateway.delivery.Subscription;
import io.herald.gateway.delivery.SubscriptionSink;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One connection's channel subscriptions, by channel, for the protocols that subscribe by channel name (/ws and
 * server-sent events): at most ws.max_subscriptions, one per channel; opening one counts the connection in the
 * channel's presence, joins the loop's hub within the new-channel budget and announces the join; dropping one
 * undoes all of it. Runs on the connection's event loop.
 */
public final class ChannelSubscriptions {

  private final ClientSession session;
  private final GatewayServices services;
  private final ChannelHub hub;
  /** Created with the first subscription: most of an idle connection's memory is Netty's, keep ours small. */
  private Map<String, Subscription> byChannel;

  public ChannelSubscriptions(ClientSession session) {
    this.session = session;
    this.services = session.loop().services();
    this.hub = session.loop().hub();
  }

  public Subscription get(String channel) {
    return byChannel == null ? null : byChannel.get(channel);
  }

  public Collection<Subscription> all() {
    return byChannel == null ? List.of() : byChannel.values();
  }

  /**
   * A new subscription of {@code channel} delivering to {@code sink}, not yet open: already_subscribed or
   * too_many_subscriptions when it may not be added.
   */
  public Subscription add(String channel, SubscriptionSink sink) {
    if (byChannel == null) {
      byChannel = new HashMap<>(4);
    }
    if (byChannel.containsKey(channel)) {
      throw new HeraldException(ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + channel);
    }
    int max = services.config().get(HeraldConfig.WS_MAX_SUBSCRIPTIONS);
    if (byChannel.size() >= max) {
      throw new HeraldException(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "a connection may hold " + max + " subscriptions");
    }
    Subscription subscription = new Subscription(channel, sink, services.broker(),
        services.config().namespaces().forChannel(channel));
    byChannel.put(channel, subscription);
    services.metrics().subscriptions(1);
    return subscription;
  }

  /**
   * Opens {@code subscription} (from {@link #add}): with {@code since}, recovering from there. Once it is live, its
   * sink hears {@code started} (with {@code requestId}) and the join is announced; if it cannot open, it is dropped
   * and {@code failed} hears why. Nothing happens if it was dropped or the connection closed meanwhile.
   */
  public void open(Subscription subscription, Long requestId, StreamPosition since, Consumer<Throwable> failed) {
    String channel = subscription.channel();
    // Only a channel without subscribers on this loop may be new to the store (ws.new_channel_rate).
    boolean local = hub.has(channel);
    boolean charged = !local && session.mayCreateChannel();
    services.presence().add(channel, session.info())
        .compose(v -> subscription.open(hub, since, local || charged))
        .onComplete(ar -> {
          if (session.closed() || get(channel) != subscription) {
            return; // closed or unsubscribed meanwhile; cleanup already happened
          }
          // A channel with messages was not created by this subscribe (nor one that failed).
          session.settleNewChannel(channel, charged, ar.succeeded() && ar.result().latest() == 0, ar.cause());
          if (ar.succeeded()) {
            subscription.start(requestId, since, ar.result());
            JoinLeave.announce(services, "join", channel, session.info());
          } else {
            drop(subscription);
            failed.accept(ar.cause());
          }
        });
  }

  /** Ends {@code subscription}: out of the hub and presence, and its leave announced if it had been live. */
  public void drop(Subscription subscription) {
    boolean announced = subscription.active();
    subscription.end();
    byChannel.remove(subscription.channel());
    hub.leave(subscription);
    services.presence().remove(subscription.channel(), session.id());
    services.metrics().subscriptions(-1);
    if (announced) {
      JoinLeave.announce(services, "leave", subscription.channel(), session.info());
    }
  }
}
