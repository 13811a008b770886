package io.herald.load.engine;

import java.time.Instant;

/** Wall-clock microseconds, the unit of {@code data.t} (docs/protocol.md's latency convention). */
public final class Clock {

  private Clock() {
  }

  public static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
