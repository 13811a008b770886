package io.herald.load.engine;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parent's side of a multi-process connections run: child results travel as JSON and add up. */
class ConnectionShareTest {

  @Test
  void aHistogramSurvivesEncodingUnchanged() {
    LatencyRecorder r = recorder(1_000, 2_000, 3_000, 250_000);
    LatencyRecorder back = LatencyRecorder.decode(r.encode());
    assertThat(back.summary()).isEqualTo(r.summary());
    assertThat(back.percentileCurve()).isDeepEqualTo(r.percentileCurve());
  }

  @Test
  void anEmptyHistogramSurvivesEncoding() {
    assertThat(LatencyRecorder.decode(new LatencyRecorder().encode()).count()).isZero();
  }

  @Test
  void aShareSurvivesItsJson() {
    ConnectionShare s = new ConnectionShare(3, 50, 48, 2, 1, new JsonObject().put("4011", 1), recorder(5_000, 7_000));
    ConnectionShare back = ConnectionShare.fromJson(new JsonObject(s.toJson().encode()));
    assertThat(back.process()).isEqualTo(3);
    assertThat(back.connections()).isEqualTo(50);
    assertThat(back.subscribed()).isEqualTo(48);
    assertThat(back.failed()).isEqualTo(2);
    assertThat(back.errorEvents()).isEqualTo(2);
    assertThat(back.disconnects()).isEqualTo(1);
    assertThat(back.disconnectCodes()).isEqualTo(new JsonObject().put("4011", 1));
    assertThat(back.setupTimes().summary()).isEqualTo(s.setupTimes().summary());
  }

  /** Percentiles of the merge are those of every connection, not an average of the children's percentiles. */
  @Test
  void mergingAddsCountsAndHistogramsUp() {
    long[] fast = new long[99];
    java.util.Arrays.fill(fast, 1_000);
    ConnectionShare a = new ConnectionShare(0, 100, 99, 1, 0, new JsonObject(), recorder(fast));
    ConnectionShare b = new ConnectionShare(1, 100, 100, 0, 2, new JsonObject().put("4011", 1).put("none", 1), recorder(repeat(100, 1_000)));
    ConnectionShare c = new ConnectionShare(2, 10, 1, 9, 1, new JsonObject().put("4011", 1), recorder(900_000));

    ConnectionShare all = ConnectionShare.merge(List.of(
        ConnectionShare.fromJson(a.toJson()), ConnectionShare.fromJson(b.toJson()), ConnectionShare.fromJson(c.toJson())));

    assertThat(all.connections()).isEqualTo(210);
    assertThat(all.subscribed()).isEqualTo(200);
    assertThat(all.failed()).isEqualTo(10);
    assertThat(all.errorEvents()).isEqualTo(10);
    assertThat(all.disconnects()).isEqualTo(3);
    assertThat(all.disconnectCodes()).isEqualTo(new JsonObject().put("4011", 2).put("none", 1));
    LatencyRecorder.Summary s = all.setupTimes().summary();
    assertThat(s.count()).isEqualTo(200);
    assertThat(s.min()).isEqualTo(1.0);
    assertThat(s.max()).isBetween(899.0, 901.0);
    assertThat(s.p99()).isEqualTo(1.0); // 199 of 200 at 1 ms: the slow one is above P99
    assertThat(s.median()).isEqualTo(1.0);
  }

  @Test
  void sharesDifferByAtMostOneAndAddUp() {
    assertThat(ConnectionShare.split(19_000, 2)).containsExactly(9_500, 9_500);
    assertThat(ConnectionShare.split(10, 3)).containsExactly(4, 3, 3);
    assertThat(ConnectionShare.split(2_000, 3)).containsExactly(667, 667, 666);
  }

  @Test
  void garbageIsNotAHistogram() {
    assertThatThrownBy(() -> LatencyRecorder.decode("bm90IGEgaGlzdG9ncmFt")).isInstanceOf(IllegalArgumentException.class);
  }

  private static long[] repeat(int times, long micros) {
    long[] v = new long[times];
    java.util.Arrays.fill(v, micros);
    return v;
  }

  private static LatencyRecorder recorder(long... micros) {
    LatencyRecorder r = new LatencyRecorder();
    for (long m : micros) {
      r.recordMicros(m);
    }
    return r;
  }
}
