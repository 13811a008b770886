package io.herald.gateway.auth;

import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * When one connection's tokens expire: its connection token and the subscription tokens of its
 * subscriptions, each under a key. One Vert.x timer per connection, armed for the earliest deadline
 * (not one per subscription); when it fires, every key that is due goes to the callback. Holds at most
 * one entry per subscription (bounded by ws.max_subscriptions / graphql.max_subscriptions) plus one.
 * Used on the connection's event loop only.
 */
public final class TokenDeadlines {

  private final Vertx vertx;
  private final Consumer<Object> expired;
  /** Deadlines (epoch ms) by key; created with the first one, most connections have none. */
  private Map<Object, Long> deadlines;
  private long timer = -1;
  private long armedForMs = Long.MAX_VALUE;

  public TokenDeadlines(Vertx vertx, Consumer<Object> expired) {
    this.vertx = vertx;
    this.expired = expired;
  }

  /** {@code key} expires at {@code atMs} (epoch ms, leeway included); 0 means never (the deadline is removed). */
  public void set(Object key, long atMs) {
    if (atMs <= 0) {
      remove(key);
      return;
    }
    if (deadlines == null) {
      deadlines = new HashMap<>(4);
    }
    deadlines.put(key, atMs);
    if (atMs < armedForMs) {
      arm(atMs);
    }
  }

  /** Forgets {@code key}; the timer, if armed for it, fires for nothing and re-arms for the next one. */
  public void remove(Object key) {
    if (deadlines != null) {
      deadlines.remove(key);
    }
  }

  /** Forgets every deadline and cancels the timer (the connection is gone). */
  public void clear() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    timer = -1;
    armedForMs = Long.MAX_VALUE;
    deadlines = null;
  }

  private void arm(long atMs) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    armedForMs = atMs;
    timer = vertx.setTimer(Math.max(1, atMs - System.currentTimeMillis()), id -> fire());
  }

  private void fire() {
    timer = -1;
    armedForMs = Long.MAX_VALUE;
    if (deadlines == null) {
      return;
    }
    long now = System.currentTimeMillis();
    List<Object> due = new ArrayList<>();
    long next = Long.MAX_VALUE;
    for (Map.Entry<Object, Long> e : deadlines.entrySet()) {
      if (e.getValue() <= now) {
        due.add(e.getKey());
      } else {
        next = Math.min(next, e.getValue());
      }
    }
    due.forEach(deadlines::remove);
    if (next != Long.MAX_VALUE) {
      arm(next);
    }
    // Last: a callback may close the connection, which clears everything.
    for (Object key : due) {
      if (deadlines == null) {
        return;
      }
      expired.accept(key);
    }
  }
}
