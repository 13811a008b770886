package io.herald.load.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

/** Percentiles on known values, and latency measured from the intended send time (coordinated omission). */
class LatencyRecorderTest {

  private static final long T0 = 1_700_000_000_000_000L;

  @Test
  void percentilesOfOneToHundredMilliseconds() {
    LatencyRecorder r = new LatencyRecorder();
    for (int ms = 100; ms >= 1; ms--) {
      r.record(T0, T0 + ms * 1_000L);
    }
    LatencyRecorder.Summary s = r.summary();
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.min()).isCloseTo(1, withinPercentage(0.1));
    assertThat(s.median()).isCloseTo(50, withinPercentage(0.1));
    assertThat(s.p95()).isCloseTo(95, withinPercentage(0.1));
    assertThat(s.p99()).isCloseTo(99, withinPercentage(0.1));
    assertThat(s.max()).isCloseTo(100, withinPercentage(0.1));
    assertThat(s.mean()).isCloseTo(50.5, withinPercentage(0.1));
    assertThat(s.stddev()).isCloseTo(28.87, withinPercentage(0.5));
  }

  @Test
  void aLateIntendedTimeCountsAsLatency() {
    // A publisher due to send every 10 ms stalls for 100 ms, then sends all ten at once; each arrives 1 ms
    // after it was sent. Measured from the send time all ten would look like 1 ms; from the intended time,
    // the stall shows: the first message waited 101 ms.
    LatencyRecorder r = new LatencyRecorder();
    long sentMicros = T0 + 100_000;
    for (int i = 0; i < 10; i++) {
      r.record(T0 + i * 10_000L, sentMicros + 1_000);
    }
    LatencyRecorder.Summary s = r.summary();
    assertThat(s.max()).isCloseTo(101, withinPercentage(0.1));
    assertThat(s.min()).isCloseTo(11, withinPercentage(0.1));
    assertThat(s.median()).isCloseTo(51, withinPercentage(0.1));
  }

  @Test
  void clockSkewBelowZeroCountsAsZero() {
    LatencyRecorder r = new LatencyRecorder();
    r.record(T0 + 5_000, T0);
    assertThat(r.summary().max()).isZero();
    assertThat(r.count()).isEqualTo(1);
  }

  @Test
  void addMergesAndTheCurveRisesToTheMaximum() {
    LatencyRecorder a = new LatencyRecorder();
    LatencyRecorder b = new LatencyRecorder();
    a.recordMicros(2_000);
    b.recordMicros(8_000);
    a.add(b);
    assertThat(a.count()).isEqualTo(2);
    double[][] curve = a.percentileCurve();
    assertThat(curve[0][1]).isCloseTo(2, withinPercentage(0.1));
    assertThat(curve[curve.length - 1][0]).isEqualTo(100);
    assertThat(curve[curve.length - 1][1]).isCloseTo(8, withinPercentage(0.1));
    for (int i = 1; i < curve.length; i++) {
      assertThat(curve[i][1]).isGreaterThanOrEqualTo(curve[i - 1][1]);
    }
  }
}
