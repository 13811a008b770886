package io.herald.gateway.auth;

import io.herald.core.ChannelName;
import io.herald.core.ClientInfo;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.config.NamespaceOptions;
import io.herald.core.config.NamespaceOptions.SubscribeMode;
import io.herald.core.config.Namespaces;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Who may do what on a channel (docs/security.md, "Authentication and permissions"), checked on every
 * client operation of /ws and GraphQL. A denial is a {@link HeraldException} with
 * {@code permission_denied}. The HTTP API (backends, API key) is not subject to these rules.
 */
public final class ChannelPermissions {

  /** A client operation on a channel. */
  public enum Operation { SUBSCRIBE, PUBLISH, HISTORY, PRESENCE }

  private final Namespaces namespaces;
  private final TokenVerifier verifier;

  public ChannelPermissions(Namespaces namespaces, TokenVerifier verifier) {
    this.namespaces = namespaces;
    this.verifier = verifier;
  }

  /**
   * Checks {@code operation} on a valid {@code channel} for {@code identity} (null: anonymous).
   * {@code granted}: a subscription token for the channel was verified (for a subscribe: the one it
   * carries; for other operations: the one of the connection's current subscription to the channel).
   */
  public void check(Operation operation, Identity identity, String channel, boolean granted) {
    NamespaceOptions options = namespaces.forChannel(channel);
    switch (operation) {
      case PUBLISH -> {
        if (!options.clientPublish()) {
          throw denied("clients may not publish in this namespace");
        }
      }
      case HISTORY -> {
        if (!options.history()) {
          throw denied("history is not readable in this namespace");
        }
      }
      case PRESENCE -> {
        if (!options.presence()) {
          throw denied("presence is off in this namespace");
        }
      }
      case SUBSCRIBE -> { }
    }
    List<String> users = ChannelName.users(channel);
    if (users != null && (identity == null || !users.contains(identity.user()))) {
      throw denied("this channel is limited to other users");
    }
    if (options.subscribe() == SubscribeMode.TOKEN || ChannelName.isPrivate(channel)) {
      if (!granted) {
        throw denied(operation == Operation.SUBSCRIBE
            ? "a subscription token for this channel is required"
            : "subscribe with a subscription token first");
      }
      return;
    }
    switch (options.subscribe()) {
      case AUTHENTICATED -> {
        if (identity == null) {
          throw denied("authentication is required");
        }
      }
      case CLAIM -> {
        if (identity == null || !identity.claims(channel)) {
          throw denied("the token's channels claim does not allow this channel");
        }
      }
      default -> { }
    }
    // A channels claim restricts its connection wherever it is.
    if (identity != null && identity.channels() != null && !identity.claims(channel)) {
      throw denied("the token's channels claim does not allow this channel");
    }
  }

  /**
   * Presence as {@code identity} (null: anonymous) may see it: an anonymous client sees who is there (client
   * ids) but not their users, unless the namespace sets {@code presence_users}; user ids are often personal.
   */
  public List<ClientInfo> presenceView(Identity identity, String channel, List<ClientInfo> clients) {
    if (seesUsers(identity, channel)) {
      return clients;
    }
    // The connect hook's info describes the user: hidden with it.
    return clients.stream().map(c -> c.user() == null && c.info() == null ? c : new ClientInfo(c.client(), null, c.node())).toList();
  }

  /** Whether {@code identity} (null: anonymous) sees the users of presence on {@code channel}. */
  public boolean seesUsers(Identity identity, String channel) {
    return identity != null || namespaces.forChannel(channel).presenceUsers();
  }

  /**
   * Checks a subscribe: SUBSCRIBE, and with {@code since} (which replays the channel's history) the
   * namespace's {@code history} option too, so that a replay cannot read what a history request may not.
   */
  public void checkSubscribe(Identity identity, String channel, boolean granted, boolean since) {
    check(Operation.SUBSCRIBE, identity, channel, granted);
    if (since && !namespaces.forChannel(channel).history()) {
      throw denied("history is not readable in this namespace: subscribe without since");
    }
  }

  /**
   * Verifies the subscription token a subscribe carries: signed by a configured key, unexpired, its
   * {@code channel} claim the channel and its {@code sub} the connection's user. Returns when it expires
   * (epoch ms, leeway included; 0 without {@code exp}): the subscription ends then unless refreshed.
   */
  public long checkSubscriptionToken(String token, Identity identity, String channel) {
    JsonObject claims;
    try {
      claims = verifier.claims(token);
    } catch (AuthFailure e) {
      throw denied("subscription token refused: " + e.getMessage());
    }
    if (!channel.equals(claims.getValue("channel"))) {
      throw denied("subscription token refused: it is for another channel");
    }
    if (identity == null || !identity.user().equals(claims.getValue("sub"))) {
      throw denied("subscription token refused: it is for another user");
    }
    return verifier.expiresAtMs(claims);
  }

  private static HeraldException denied(String message) {
    return new HeraldException(ErrorCode.PERMISSION_DENIED, message);
  }
}
