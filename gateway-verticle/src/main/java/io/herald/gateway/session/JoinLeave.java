package io.herald.gateway.session;

import io.herald.core.ClientInfo;
import io.herald.core.WallClock;
import io.herald.core.webhooks.WebhookEvent;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.wire.Frames;

/**
 * Who hears that a client joined or left a channel, whichever protocol it speaks (/ws, server-sent events or
 * GraphQL): the channel's subscribers ({@code join} and {@code leave} pushes) where its namespace has join_leave on,
 * and the backend's webhook when webhooks.events has {@code join} / {@code leave}.
 */
public final class JoinLeave {

  private JoinLeave() {
  }

  /** Tells {@code channel}'s subscribers that {@code client} joined ({@code "join"}) or left ({@code "leave"}) it. */
  public static void announce(GatewayServices services, String type, String channel, ClientInfo client) {
    if (services.config().namespaces().forChannel(channel).joinLeave()) {
      services.broker().push(channel, Frames.presenceEvent(type, channel, client));
    }
    WebhookEvent.Type event = "join".equals(type) ? WebhookEvent.Type.JOIN : WebhookEvent.Type.LEAVE;
    if (services.webhooks().wants(event)) {
      services.webhooks().emit(WebhookEvent.membership(event, channel, client.client(), client.user(), WallClock.micros()));
    }
  }
}
