package io.herald.broker.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process paused past the tolerance distrusts its view until the ticker has run and for a while after, on a clock
 * the test moves: regular ticks are trusted, a late tick marks a pause, and so does a tick that has not come yet.
 */
class PauseDetectorTest {

  private final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));
  private final PauseDetector detector = new PauseDetector(3_000, 8_000, now::get);

  @Test
  void regularTicksAreTrusted() {
    for (int i = 0; i < 50; i++) {
      advanceMs(PauseDetector.TICK_MS);
      detector.tick();
      assertThat(detector.distrust()).isNull();
    }
  }

  @Test
  void aPauseIsDistrustedBeforeTheTickerRunsAndForTheDistrustTimeAfter() {
    advanceMs(100);
    detector.tick();

    advanceMs(13_000); // stopped: nothing ticked
    assertThat(detector.distrust()).as("resumed, ticker not run yet").contains("stood still for 13000 ms");
    detector.tick();
    assertThat(detector.distrust()).contains("resumed 0 ms ago from a pause of 13000 ms");
    for (int i = 0; i < 79; i++) {
      advanceMs(100);
      detector.tick();
    }
    assertThat(detector.distrust()).as("7.9 s after").isNotNull();
    advanceMs(100);
    detector.tick();
    assertThat(detector.distrust()).as("8 s after").isNull();
  }

  @Test
  void aShortStallIsNoPause() {
    advanceMs(2_900); // a long GC pause, shorter than the heartbeat tolerance
    assertThat(detector.distrust()).isNull();
    detector.tick();
    assertThat(detector.distrust()).isNull();
  }

  private void advanceMs(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }
}
