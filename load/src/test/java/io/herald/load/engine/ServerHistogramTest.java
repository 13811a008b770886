package io.herald.load.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServerHistogramTest {

  private static final String NAME = "herald_publish_to_delivery_seconds";

  private static String exposition(long under1ms, long under2ms, long under4ms, long all, long local) {
    return String.join("\n",
        "# TYPE herald_publish_to_delivery_seconds histogram",
        NAME + "_bucket{hop=\"local\",le=\"0.001\"} " + local,
        NAME + "_bucket{hop=\"remote\",le=\"0.001\"} " + under1ms,
        NAME + "_bucket{hop=\"remote\",le=\"0.002\"} " + under2ms,
        NAME + "_bucket{hop=\"remote\",le=\"0.004\"} " + under4ms,
        NAME + "_bucket{hop=\"remote\",le=\"+Inf\"} " + all,
        NAME + "_count{hop=\"remote\"} " + all,
        NAME + "_sum{hop=\"remote\"} 0.5", "");
  }

  @Test
  void quantilesAreTheBoundsOfTheBucketsTheyFallIn() {
    ServerHistogram h = ServerHistogram.parse(exposition(50, 98, 100, 100, 7), NAME, "hop=\"remote\"");
    assertThat(h.count()).isEqualTo(100);
    assertThat(h.quantileMs(0.5)).isEqualTo(1.0);
    assertThat(h.quantileMs(0.95)).isEqualTo(2.0);
    assertThat(h.quantileMs(0.99)).isEqualTo(4.0);
    assertThat(h.quantileMs(1)).isEqualTo(4.0);
  }

  @Test
  void aLaterReadingMinusAnEarlierOneIsWhatWasRecordedInBetween() {
    ServerHistogram before = ServerHistogram.parse(exposition(10, 10, 10, 10, 0), NAME, "hop=\"remote\"");
    ServerHistogram after = ServerHistogram.parse(exposition(10, 15, 19, 20, 3), NAME, "hop=\"remote\"");
    ServerHistogram between = after.since(before);
    assertThat(between.count()).isEqualTo(10);
    assertThat(between.quantileMs(0.5)).isEqualTo(2.0);
    assertThat(between.quantileMs(1)).isInfinite();
  }

  @Test
  void aSeriesTheNodeDoesNotHaveYetIsEmpty() {
    ServerHistogram none = ServerHistogram.parse("# nothing yet\n", NAME, "hop=\"remote\"");
    assertThat(none.count()).isZero();
    assertThat(none.quantileMs(0.99)).isNaN();
    assertThat(ServerHistogram.parse(exposition(1, 2, 3, 3, 0), NAME, "hop=\"remote\"").since(none).count()).isEqualTo(3);
  }
}
