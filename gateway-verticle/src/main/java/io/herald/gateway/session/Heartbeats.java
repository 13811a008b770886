package io.herald.gateway.session;

import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * One timer per gateway event loop that pings silent connections and closes dead ones, instead of
 * a timer per connection. A connection is closed when its pong is overdue, never because the loop was too busy
 * to read it (see {@link #sweep}).
 */
public final class Heartbeats {

  /** A connection the sweep looks after. */
  public interface Target {
    /** Pings the peer if it has been silent for {@code pingIntervalMs}, closes it after the timeout too. */
    void heartbeat(long now, long pingIntervalMs, long pongTimeoutMs);
  }

  private final Vertx vertx;
  private final long pingIntervalMs;
  private final long pongTimeoutMs;
  private final long periodMs;
  private final Set<Target> connections = new HashSet<>();
  private long timer = -1;
  /** When the next sweep is due; 0 before the first. */
  private long nextSweepAt;

  public Heartbeats(Vertx vertx, long pingIntervalMs, long pongTimeoutMs) {
    this.vertx = vertx;
    this.pingIntervalMs = pingIntervalMs;
    this.pongTimeoutMs = pongTimeoutMs;
    this.periodMs = Math.max(10, Math.min(pingIntervalMs, pongTimeoutMs) / 4);
  }

  /** Starts the sweep on the calling verticle's event loop. */
  public void start() {
    nextSweepAt = System.currentTimeMillis() + periodMs;
    timer = vertx.setPeriodic(periodMs, id -> sweep(System.currentTimeMillis()));
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  public void add(Target connection) {
    connections.add(connection);
  }

  public void remove(Target connection) {
    connections.remove(connection);
  }

  /**
   * Pings and closes as due at {@code now}. A sweep that runs late ran behind a busy loop, which read nothing
   * meanwhile: a pong may be waiting unread since, so the time the sweep is late is added to the pong timeout (the
   * client's silence is not the loop's). A sweep on time follows a read of the sockets, and grants nothing.
   */
  void sweep(long now) {
    long late = nextSweepAt == 0 ? 0 : Math.max(0, now - nextSweepAt);
    nextSweepAt = now + periodMs;
    // A sweep may close connections, which removes them from the set.
    for (Target c : new ArrayList<>(connections)) {
      c.heartbeat(now, pingIntervalMs, pongTimeoutMs + late);
    }
  }
}
