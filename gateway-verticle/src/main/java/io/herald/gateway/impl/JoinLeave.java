package io.herald.gateway.impl;

import io.herald.core.ClientInfo;
import io.herald.gateway.GatewayServices;

/**
 * The {@code join} and {@code leave} pushes a channel's subscribers get where its namespace has join_leave on,
 * whichever protocol the client that joined or left speaks (/ws or GraphQL).
 */
public final class JoinLeave {

  private JoinLeave() {
  }

  /** Tells {@code channel}'s subscribers that {@code client} joined ({@code "join"}) or left ({@code "leave"}) it. */
  public static void announce(GatewayServices services, String type, String channel, ClientInfo client) {
    if (services.config().namespaces().forChannel(channel).joinLeave()) {
      services.broker().push(channel, Frames.presenceEvent(type, channel, client));
    }
  }
}
