package io.herald.gateway.hooks;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The circuit breaker in front of a node's hook calls (all hooks share it: they go to one backend). Closed, every call
 * goes; after {@code maxFailures} consecutive failures it opens and refuses calls without making them for
 * {@code resetMs}; then it lets one trial call through (half-open): its success closes the breaker, its failure
 * opens it again. Shared by every event loop of the node: lock-free.
 */
final class BackendBreaker {

  private final int maxFailures;
  private final long resetMs;
  private final LongSupplier clock;
  private final AtomicInteger failures = new AtomicInteger();
  /** When the open breaker lets a trial through (epoch ms); 0 while closed. */
  private volatile long openUntilMs;
  private final AtomicBoolean trialRunning = new AtomicBoolean();

  /** {@code maxFailures} 0: never opens. */
  BackendBreaker(int maxFailures, long resetMs, LongSupplier clock) {
    this.maxFailures = maxFailures;
    this.resetMs = resetMs;
    this.clock = clock;
  }

  /** Whether a call may be made now; when true the caller must report it with {@link #succeeded} or {@link #failed}. */
  boolean allows() {
    long until = openUntilMs;
    if (until == 0) {
      return true;
    }
    // Open: past the reset time one call goes as the trial; the others wait for its outcome.
    return clock.getAsLong() >= until && trialRunning.compareAndSet(false, true);
  }

  void succeeded() {
    failures.set(0);
    openUntilMs = 0;
    trialRunning.set(false);
  }

  void failed() {
    if (maxFailures > 0 && (failures.incrementAndGet() >= maxFailures || openUntilMs != 0)) {
      openUntilMs = clock.getAsLong() + resetMs;
    }
    trialRunning.set(false);
  }

  /** Whether the breaker is open (calls are refused until a trial succeeds). */
  boolean open() {
    return openUntilMs != 0;
  }
}
