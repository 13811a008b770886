package io.herald.load.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading series out of a Prometheus exposition text. */
class ServerMetricsTest {

  private static final String EXPOSITION = """
      # HELP jvm_memory_used_bytes The amount of used memory
      # TYPE jvm_memory_used_bytes gauge
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E7
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.097152E7
      jvm_memory_used_bytes{area="heap",id="G1 Survivor Space"} 1048576.0
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
      # HELP herald_connections_active Open /ws connections
      # TYPE herald_connections_active gauge
      herald_connections_active 3.0
      herald_connections_active_peak 99.0
      herald_subscriptions_active{node="a"} 7.0
      herald_subscriptions_active{node="b"} 5.0
      """;

  @Test
  void sumsEverySampleOfTheHeapArea() {
    assertThat(ServerMetrics.sum(EXPOSITION, "jvm_memory_used_bytes{area=\"heap\""))
        .isEqualTo(10_485_760 + 20_971_520 + 1_048_576);
  }

  @Test
  void aSeriesNameDoesNotAlsoSumLongerNames() {
    assertThat(ServerMetrics.sum(EXPOSITION, "herald_connections_active")).isEqualTo(3);
  }

  @Test
  void sumsOverLabels() {
    assertThat(ServerMetrics.sum(EXPOSITION, "herald_subscriptions_active")).isEqualTo(12);
  }

  @Test
  void anAbsentSeriesIsZero() {
    assertThat(ServerMetrics.sum(EXPOSITION, "herald_nothing")).isZero();
    assertThat(ServerMetrics.sum("", "herald_connections_active")).isZero();
  }
}
