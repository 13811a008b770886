package io.herald.core;

import java.time.Instant;

/**
 * The wall clock at microsecond precision (the system clock as {@link Instant#now()} reads it: microseconds on Linux),
 * for latencies measured between two points that may be on different nodes: a message's sequencing and publish
 * times. Within one machine every node reads the same clock; across machines a difference includes their clock skew.
 */
public final class WallClock {

  private WallClock() {
  }

  /** Now, in microseconds since the epoch. */
  public static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
