package io.herald.gateway.session;

import io.herald.core.CloseCode;
import io.herald.core.HeraldException;
import io.herald.gateway.auth.AuthFailure;
import io.herald.gateway.auth.ChannelPermissions;
import io.herald.gateway.auth.Identity;
import io.herald.gateway.auth.NodeAuth;
import io.herald.gateway.auth.TokenDeadlines;
import io.herald.gateway.hooks.HookKind;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One connection's authentication, the same for every protocol: the verified {@link Identity}, counted
 * against auth.max_connections_per_user, and when its tokens expire (the connection's and its
 * subscriptions', {@link TokenDeadlines}). A refused token is logged and closes the connection in the
 * protocol's form. The session makes it on first use ({@link ClientSession#auth}): an anonymous
 * connection has none, which keeps an idle one small. Runs on the connection's event loop.
 */
public final class ConnectionAuth {

  /** The key of the connection token's deadline (subscription tokens use keys of the protocol's). */
  private static final Object CONNECTION_TOKEN = new Object();
  private static final String TOO_MANY_CONNECTIONS = "too many connections for user";

  private final ClientSession session;
  private final TokenDeadlines deadlines;
  /** The verified token's identity, or null while anonymous. */
  private Identity identity;
  /** Whether the identity's expiry is the connect hook's {@code expire_at}: the refresh hook may extend it. */
  private boolean proxied;

  ConnectionAuth(ClientSession session) {
    this.session = session;
    this.deadlines = new TokenDeadlines(session.loop().vertx(), this::expired);
  }

  /** The verified identity, or null while anonymous. */
  public Identity identity() {
    return identity;
  }

  /**
   * Verifies {@code token} and makes it this connection's identity: the first time, counts it against
   * auth.max_connections_per_user (over it: closed with 4009); later (a refresh), its user must stay the
   * same. Any other refusal closes the connection as {@link #refuse} does. Once accepted, the connection
   * closes with 1008 "token expired" when the token expires (a token without {@code exp} never does).
   *
   * @return whether the token was accepted; false: the connection is closed
   */
  public boolean authenticate(String token) {
    NodeAuth auth = session.loop().auth();
    Identity verified;
    try {
      verified = auth.verifier().verify(token);
      if (identity != null && !identity.user().equals(verified.user())) {
        throw new AuthFailure(AuthFailure.Reason.USER_CHANGED);
      }
    } catch (AuthFailure e) {
      refuse(e.getMessage());
      return false;
    }
    if (identity == null) {
      if (!auth.addConnection(verified.user())) {
        logFailure(TOO_MANY_CONNECTIONS);
        session.close(CloseCode.TOO_MANY_CONNECTIONS, TOO_MANY_CONNECTIONS);
        return false;
      }
      session.identified(verified.user());
    }
    identity = verified.withInfo(identity == null ? null : identity.info());
    proxied = false;
    deadlines.set(CONNECTION_TOKEN, verified.expiresAtMs());
    return true;
  }

  /**
   * The connect hook admitted the connection. Already authenticated by a token: the hook's {@code info} is attached,
   * the token still decides the rest. Otherwise {@code user} becomes its identity, counted against
   * auth.max_connections_per_user (over it: closed with 4009) and expiring at {@code expiresAtMs} (0: never), when
   * the refresh hook (if set) is asked to extend it.
   *
   * @return whether the connection was admitted; false: it is closed
   */
  public boolean admit(String user, long expiresAtMs, JsonObject info) {
    if (identity != null) {
      identity = identity.withInfo(info);
      session.described(info);
      return true;
    }
    if (!session.loop().auth().addConnection(user)) {
      logFailure(TOO_MANY_CONNECTIONS);
      session.close(CloseCode.TOO_MANY_CONNECTIONS, TOO_MANY_CONNECTIONS);
      return false;
    }
    session.identified(user);
    session.described(info);
    identity = new Identity(user, null, expiresAtMs, info, List.of());
    proxied = true;
    deadlines.set(CONNECTION_TOKEN, expiresAtMs);
    return true;
  }

  /** The refresh hook extended the connection to {@code expiresAtMs}, with new {@code info} (null: kept). */
  public void extend(long expiresAtMs, JsonObject info) {
    identity = new Identity(identity.user(), identity.channels(), expiresAtMs, info == null ? identity.info() : info, identity.subs());
    deadlines.set(CONNECTION_TOKEN, expiresAtMs);
  }

  /** The connection's token (or admission) expired and was not extended: closed with 1008 "token expired". */
  public void expire() {
    logFailure(AuthFailure.Reason.EXPIRED.text());
    session.close(CloseCode.POLICY.code(), "token expired");
  }

  /** Refuses the connection for {@code reason} (an {@link AuthFailure.Reason}'s text): logged, then closed the protocol's way. */
  public void refuse(String reason) {
    logFailure(reason);
    session.protocol().refused(reason);
  }

  /**
   * After a refresh (whose channels claim may differ), ends each of the {@code running} subscriptions the
   * new identity may no longer hold, through {@code end} (the protocol's own way of telling the client).
   * {@code channel} and {@code granted} (opened with a subscription token) describe a subscription.
   */
  public <S> void recheck(Collection<S> running, Function<S, String> channel, Predicate<S> granted,
      BiConsumer<S, HeraldException> end) {
    ChannelPermissions permissions = session.loop().auth().permissions();
    for (S s : List.copyOf(running)) {
      try {
        permissions.check(ChannelPermissions.Operation.SUBSCRIBE, identity, channel.apply(s), granted.test(s));
      } catch (HeraldException e) {
        end.accept(s, e);
      }
    }
  }

  /**
   * The subscription token behind {@code key} (a channel, an operation id: the protocol's choice) expires at
   * {@code atMs} (epoch ms, leeway included; 0: never); then the protocol's {@code subscriptionTokenExpired}
   * is called.
   */
  public void subscriptionTokenExpiresAt(Object key, long atMs) {
    deadlines.set(key, atMs);
  }

  /** The subscription behind {@code key} ended: its token's expiry no longer matters. */
  public void forgetSubscriptionToken(Object key) {
    deadlines.remove(key);
  }

  /** The connection is over: its deadlines are dropped and it no longer counts for its user. */
  void release() {
    deadlines.clear();
    if (identity != null) {
      session.loop().auth().removeConnection(identity.user());
    }
  }

  private void expired(Object key) {
    if (session.closed()) {
      return;
    }
    if (key == CONNECTION_TOKEN) {
      if (proxied && session.loop().hooks().enabled(HookKind.REFRESH)) {
        RefreshHook.run(session);
      } else {
        expire();
      }
    } else {
      session.protocol().subscriptionTokenExpired(key);
    }
  }

  /** Logs a refused token for this connection: client, user, IP, origin and reason (never the token). */
  private void logFailure(String reason) {
    session.loop().auth().logFailure(session.protocol().name(), session.id(), identity == null ? null : identity.user(),
        session.clientIp(), session.origin(), reason);
  }
}
