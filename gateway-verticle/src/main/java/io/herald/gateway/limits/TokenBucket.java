package io.herald.gateway.limits;

/**
 * A token bucket: {@code capacity} tokens, refilled at {@code perSecond}; each allowed event takes one.
 * Time comes from the caller (nanoseconds, {@link System#nanoTime}) so that the owner decides the clock.
 * Not thread-safe: callers that share one synchronise on it.
 */
public final class TokenBucket {

  private final double perNano;
  private final double capacity;
  private double tokens;
  private long lastNanos;

  /** A full bucket. */
  public TokenBucket(double perSecond, double capacity, long nowNanos) {
    this.perNano = perSecond / 1e9;
    this.capacity = Math.max(1, capacity);
    this.tokens = this.capacity;
    this.lastNanos = nowNanos;
  }

  /** Takes {@code n} tokens if the bucket holds them; returns whether it did. */
  public boolean tryTake(long nowNanos, double n) {
    refill(nowNanos);
    if (tokens >= n) {
      tokens -= n;
      return true;
    }
    return false;
  }

  /**
   * Takes {@code n} tokens whether or not the bucket holds them (it may go below zero: a debt) and returns
   * how many nanoseconds from {@code nowNanos} the debt takes to refill; 0 when there is none.
   */
  public long takeOwing(long nowNanos, double n) {
    refill(nowNanos);
    tokens -= n;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
  }

  /** Puts back {@code n} tokens taken for an event that turned out not to count (never above the capacity). */
  public void giveBack(double n) {
    tokens = Math.min(capacity, tokens + n);
  }

  /** Whether the bucket is full again at {@code nowNanos}: its owner may forget it. */
  public boolean full(long nowNanos) {
    refill(nowNanos);
    return tokens >= capacity;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * perNano);
      lastNanos = nowNanos;
    }
  }
}
