package io.herald.gateway.session;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sweep's pong timeout: the configured one, plus however late a sweep runs behind a busy loop. */
class HeartbeatsTest {

  private static final long PING_MS = 400;
  private static final long PONG_MS = 400;
  /** The sweep period these settings give: a quarter of the shorter. */
  private static final long PERIOD_MS = 100;

  private final List<Long> pongTimeouts = new ArrayList<>();
  private final Heartbeats heartbeats = new Heartbeats(null, PING_MS, PONG_MS);

  HeartbeatsTest() {
    heartbeats.add((now, pingIntervalMs, pongTimeoutMs) -> pongTimeouts.add(pongTimeoutMs));
  }

  @Test
  void sweepsOnTimeGrantNothing() {
    heartbeats.sweep(1_000);
    heartbeats.sweep(1_000 + PERIOD_MS);
    heartbeats.sweep(1_000 + 2 * PERIOD_MS + 3); // a few ms of timer jitter are a few ms
    assertThat(pongTimeouts).containsExactly(PONG_MS, PONG_MS, PONG_MS + 3);
  }

  @Test
  void aSweepBehindABusyLoopAddsWhatItIsLateAndOnlyOnce() {
    heartbeats.sweep(1_000);
    heartbeats.sweep(1_000 + PERIOD_MS + 2_500); // the loop ran a 2.5 s task: nothing was read meanwhile
    heartbeats.sweep(1_000 + 2 * PERIOD_MS + 2_500); // on time again: the loop has read since
    assertThat(pongTimeouts).containsExactly(PONG_MS, PONG_MS + 2_500, PONG_MS);
  }
}
