package io.herald.core.config;

import java.util.Locale;

/**
 * Options of the channels of one namespace.
 *
 * @param historySize   messages kept per channel (0: no history, so no recovery)
 * @param historyTtlMs  how long a message stays in history
 * @param clientPublish whether /ws clients may publish (the HTTP API always may)
 * @param presence      whether clients may read presence
 * @param joinLeave     whether subscribers get join/leave pushes
 * @param subscribe     who may subscribe (and so read and publish, when those are allowed)
 * @param history       whether clients may read history (the HTTP API always may); a subscribe with
 *                      {@code since} replays history, so it needs this too
 * @param presenceUsers whether anonymous clients see the users of presence (replies and join/leave
 *                      pushes); authenticated clients and the HTTP API always do
 * @param cache         whether a new subscription (without {@code since}) first receives the channel's latest
 *                      message, so the channel holds current state without a separate fetch
 * @param maxRate       the most messages per second a subscription receives (0: every message); faster ones are
 *                      conflated: the subscriber gets the latest, with how many it skipped
 * @param batchMs       how long a connection's deliveries of this namespace may wait to go out together (0: at once)
 * @param proxy         which proxy hooks (proxy.subscribe_url, proxy.publish_url) this namespace's channels go through
 */
public record NamespaceOptions(int historySize, long historyTtlMs, boolean clientPublish, boolean presence,
                               boolean joinLeave, SubscribeMode subscribe, boolean history, boolean presenceUsers,
                               boolean cache, int maxRate, int batchMs, ProxyOptions proxy) {

  /** The options of a namespace configured with nothing (the settings' defaults). */
  public static final NamespaceOptions DEFAULT = new NamespaceOptions(256, 300_000, true, true, false);

  /**
   * The options without permissions or delivery modes: anyone may subscribe, history is readable, users are hidden
   * from anonymous clients, no latest message on subscribe.
   */
  public NamespaceOptions(int historySize, long historyTtlMs, boolean clientPublish, boolean presence, boolean joinLeave) {
    this(historySize, historyTtlMs, clientPublish, presence, joinLeave, SubscribeMode.ANYONE, true, false, false, 0, 0,
        ProxyOptions.NONE);
  }

  /**
   * A namespace's opt-in to the proxy hooks: its subscribes and client publishes wait for the backend's answer.
   *
   * @param subscribe whether a subscription to one of its channels first goes through proxy.subscribe_url
   * @param publish   whether a client's publish to one of its channels first goes through proxy.publish_url
   * @param failOpen  whether a hook that fails (down, slow, bad answer, busy, breaker open) lets the operation go
   *                  on as if allowed, rather than refusing it with {@code internal}
   */
  public record ProxyOptions(boolean subscribe, boolean publish, boolean failOpen) {
    public static final ProxyOptions NONE = new ProxyOptions(false, false, false);
  }

  /** Who may subscribe to a namespace's channels (docs/security.md). */
  public enum SubscribeMode {
    /** Every connection, anonymous ones too. */
    ANYONE,
    /** Connections that presented a valid token. */
    AUTHENTICATED,
    /** Connections whose token's {@code channels} claim has a pattern matching the channel. */
    CLAIM,
    /** Subscriptions that carry a subscription token for the channel, signed by the backend. */
    TOKEN;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The mode for its config name; IllegalArgumentException for an unknown one. */
    public static SubscribeMode of(String value) {
      for (SubscribeMode m : values()) {
        if (m.wire().equals(value)) {
          return m;
        }
      }
      throw new IllegalArgumentException("subscribe must be anyone, authenticated, claim or token: " + value);
    }
  }
}
