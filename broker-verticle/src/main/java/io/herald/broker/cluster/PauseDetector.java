package io.herald.broker.cluster;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Notices that this process was paused (SIGSTOP, a frozen VM, a long GC pause): a daemon thread ticks every
 * {@link #TICK_MS}, and a tick that comes {@code pauseNanos} or more after the one before marks a pause. Needed
 * because Hazelcast, on resuming from a pause it sees as a clock jump, resets every member's heartbeat time to now:
 * for the next seconds a member the others removed while it was stopped still counts them all as recently active,
 * so its quorum check passes, and an append whose backups then "complete" by their members' removal was
 * acknowledged on one copy while the others had given that offset to another message (a fork, found by
 * {@code ClusterFaultsIT}'s paused member). {@link #distrust} says why this member's view must not be trusted now.
 * One per process: a pause stops every member the process runs.
 */
final class PauseDetector {

  static final long TICK_MS = 100;

  private static PauseDetector process;

  private final long pauseNanos;
  private final long distrustNanos;
  private final LongSupplier nanos;
  private volatile long lastTick;
  /** When the last pause ended; far in the past while none was seen. */
  private volatile long lastPauseEnd;
  private volatile long lastPauseNanos;

  /**
   * @param pauseMs    a gap between ticks this long or longer is a pause
   * @param distrustMs how long after a pause the member's view is not trusted
   * @param nanos      the clock ({@link System#nanoTime} but in tests)
   */
  PauseDetector(long pauseMs, long distrustMs, LongSupplier nanos) {
    this.pauseNanos = TimeUnit.MILLISECONDS.toNanos(pauseMs);
    this.distrustNanos = TimeUnit.MILLISECONDS.toNanos(distrustMs);
    this.nanos = nanos;
    this.lastTick = nanos.getAsLong();
    this.lastPauseEnd = lastTick - distrustNanos;
  }

  /** The process's detector, its ticking thread started on first use (with that first caller's bounds). */
  static synchronized PauseDetector forProcess(long pauseMs, long distrustMs) {
    if (process == null) {
      process = new PauseDetector(pauseMs, distrustMs, System::nanoTime);
      Thread ticker = new Thread(process::tickForever, "herald-pause-detector");
      ticker.setDaemon(true);
      ticker.start();
    }
    return process;
  }

  /** Records a tick; a late one marks a pause that ends now. */
  void tick() {
    long now = nanos.getAsLong();
    long gap = now - lastTick;
    if (gap >= pauseNanos) {
      lastPauseNanos = gap;
      lastPauseEnd = now;
    }
    lastTick = now;
  }

  /**
   * Why this member's view of the cluster may be stale now, or null: no tick for a pause's length (the process was
   * just resumed and the ticker has not run yet), or a pause ended less than the distrust time ago.
   */
  String distrust() {
    long now = nanos.getAsLong();
    long sinceTick = now - lastTick;
    if (sinceTick >= pauseNanos) {
      return "this member stood still for " + TimeUnit.NANOSECONDS.toMillis(sinceTick) + " ms";
    }
    long sincePause = now - lastPauseEnd;
    if (sincePause < distrustNanos) {
      return "this member resumed " + TimeUnit.NANOSECONDS.toMillis(sincePause) + " ms ago from a pause of "
          + TimeUnit.NANOSECONDS.toMillis(lastPauseNanos) + " ms";
    }
    return null;
  }

  private void tickForever() {
    while (true) {
      try {
        Thread.sleep(TICK_MS);
      } catch (InterruptedException e) {
        return;
      }
      tick();
    }
  }
}
