package io.herald.gateway;

import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * One timer per gateway event loop that pings silent connections and closes dead ones, instead of
 * a timer per connection.
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
  private final Set<Target> connections = new HashSet<>();
  private long timer = -1;

  public Heartbeats(Vertx vertx, long pingIntervalMs, long pongTimeoutMs) {
    this.vertx = vertx;
    this.pingIntervalMs = pingIntervalMs;
    this.pongTimeoutMs = pongTimeoutMs;
  }

  /** Starts the sweep on the calling verticle's event loop. */
  public void start() {
    long period = Math.max(10, Math.min(pingIntervalMs, pongTimeoutMs) / 4);
    timer = vertx.setPeriodic(period, id -> sweep());
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

  private void sweep() {
    long now = System.currentTimeMillis();
    // A sweep may close connections, which removes them from the set.
    for (Target c : new ArrayList<>(connections)) {
      c.heartbeat(now, pingIntervalMs, pongTimeoutMs);
    }
  }
}
