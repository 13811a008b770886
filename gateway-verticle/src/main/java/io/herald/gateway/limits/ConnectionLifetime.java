package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The end of one connection's life, {@code ws.max_lifetime_ms} after it opened, less a random 0-10 % so
 * that the connections opened together (after a deploy, a network blip) do not all reconnect together.
 * The heartbeat sweep closes an expired connection with 4010; the client reconnects and recovers with
 * {@code since}. Long-lived sockets pin memory fragments, stale state and the node a load balancer once
 * chose: the lifetime bounds all three.
 */
public final class ConnectionLifetime {

  private final long deadlineMs;

  private ConnectionLifetime(long deadlineMs) {
    this.deadlineMs = deadlineMs;
  }

  /** The lifetime of a connection opened at {@code openedMs}; none when {@code ws.max_lifetime_ms} is 0. */
  public static ConnectionLifetime from(HeraldConfig config, long openedMs) {
    long max = config.get(HeraldConfig.WS_MAX_LIFETIME_MS);
    if (max == 0) {
      return new ConnectionLifetime(Long.MAX_VALUE);
    }
    long jitter = max / 10 == 0 ? 0 : ThreadLocalRandom.current().nextLong(max / 10 + 1);
    return new ConnectionLifetime(openedMs + max - jitter);
  }

  public boolean expired(long nowMs) {
    return nowMs >= deadlineMs;
  }
}
