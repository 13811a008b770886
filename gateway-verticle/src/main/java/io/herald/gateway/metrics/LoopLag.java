package io.herald.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How late each gateway event loop runs a timer due every {@link #INTERVAL_MS}: {@code herald_event_loop_lag_seconds}
 * (one timer for every loop, so its max is the slowest loop's). A loop that runs it late has been busy or blocked
 * for that long, and every client on it waited as long for an answer: the node's own view, free of whatever the
 * client's machine adds.
 */
public final class LoopLag {

  static final long INTERVAL_MS = 20;

  private final Vertx vertx;
  private final Timer lag;
  private long timer = -1;
  private long due;

  public LoopLag(Vertx vertx, MeterRegistry registry) {
    this.vertx = vertx;
    this.lag = Timer.builder("herald.event.loop.lag")
        .description("How late a gateway event loop ran a timer due every " + INTERVAL_MS + " ms (the max is the slowest loop's)")
        // Buckets, so that a window (an attack, an incident) can be read as counts of late runs, not only a max.
        .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1))
        .register(registry);
  }

  /** Starts measuring on the calling verticle's event loop. */
  public void start() {
    due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
    timer = vertx.setPeriodic(INTERVAL_MS, id -> {
      long now = System.nanoTime();
      lag.record(Math.max(0, now - due), TimeUnit.NANOSECONDS);
      due = now + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
    });
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }
}
