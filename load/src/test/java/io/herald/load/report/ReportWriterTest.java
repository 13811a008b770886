package io.herald.load.report;

import io.herald.load.Svg;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWriterTest {

  private static final Targets TARGETS = new Targets(List.of(
      new Targets.Goal("p99 at 100 x 100", "throughput", "report", "latency_p99_ms", "<=", 5, "289 ms"),
      new Targets.Goal("delivery", "*", "any", "delivery_rate_pct", "==", 100, "97.2%"),
      new Targets.Goal("fan-out", "fanout-max", "report", "max_deliveries_s", ">=", 250_000, "98.7 msg/s"),
      new Targets.Goal("leak", "leak", "large", "memory_growth_pct", "abs<=", 2, "+31%")));

  @TempDir
  Path dir;

  @Test
  void targetRowsSayPassFailOrNotRunAndChartsAreWrittenBesideTheMarkdown() throws Exception {
    JsonObject throughput = new JsonObject().put("delivery_rate_pct", 100.0).put("latency_p99_ms", 3.5)
        .put("latency_curve", new JsonArray().add(new JsonArray().add(50.0).add(1.0)).add(new JsonArray().add(99.0).add(3.5)));
    JsonObject fanout = new JsonObject().put("delivery_rate_pct", 100.0).put("max_deliveries_s", 20_000.0)
        .put("steps", new JsonArray().add(new JsonObject().put("rate_msg_s", 100.0).put("offered_deliveries_s", 20_000.0)
            .put("deliveries_s", 19_990.0).put("held", true)))
        .put("heap_samples", new JsonArray().add(sample(0, 30.5, 20)).add(sample(10, 31.0, 20)));
    Path md = dir.resolve("out.md");

    new ReportWriter(md, TARGETS).write(List.of("scale: report"), List.of(
        new Outcome("throughput", "throughput", "report", List.of("throughput"), 0, throughput, 1.0, ""),
        new Outcome("fanout-max", "fanout-max", "report", List.of("fanout-max"), 0, fanout, 2.0, ""),
        Outcome.skipped("leak", "leak", "report", "no leak scenario in this build")));

    String text = Files.readString(md);
    assertThat(text).contains("| measurement | run | scale | report's figure | target | measured | result |",
        "| p99 at 100 x 100 | throughput | report | 289 ms | latency_p99_ms <= 5 | 3.500 | PASS |",
        "| delivery | throughput | report | 97.2% | delivery_rate_pct == 100 | 100 | PASS |",
        "| fan-out | fanout-max | report | 98.7 msg/s | max_deliveries_s >= 250000 | 20,000 | FAIL |",
        "| leak | leak | large | +31% | memory_growth_pct abs<= 2 | - | not run |",
        "Met: 3 PASS, 1 FAIL, 0 without data.",
        "| leak | leak | report | skipped: no leak scenario in this build |",
        "![throughput latency](out-report-throughput-latency.svg)",
        "![fanout-max steps](out-report-fanout-max-steps.svg)",
        "![fanout-max heap-mb](out-report-fanout-max-heap-mb.svg)",
        "![fanout-max connections](out-report-fanout-max-connections.svg)",
        "| rate_msg_s | offered_deliveries_s | deliveries_s | held |");
    for (String chart : List.of("throughput-latency", "fanout-max-steps", "fanout-max-heap-mb", "fanout-max-connections")) {
      Svg.parse(Files.readString(dir.resolve("out-report-" + chart + ".svg")));
    }
  }

  @Test
  void heapSamplesChartEveryNumberOverThePosition() throws Exception {
    JsonArray samples = new JsonArray().add(new JsonObject().put("cycle", 10).put("heap_mb", 40.0).put("connections", 0))
        .add(new JsonObject().put("cycle", 20).put("heap_mb", 41.5).put("connections", 0));

    var charts = Charts.of("leak", new JsonObject().put("heap_samples", samples));

    assertThat(charts).containsOnlyKeys("heap-mb", "connections");
    String heap = Svg.parse(charts.get("heap-mb").toSvg()).getDocumentElement().getTextContent();
    assertThat(heap).contains("leak: server heap (MB) over time", "cycle", "10", "20");
  }

  @Test
  void latencyCurvesOfOneRunShareAChart() throws Exception {
    JsonArray curve = new JsonArray().add(new JsonArray().add(50.0).add(1.0)).add(new JsonArray().add(99.99).add(9.0));
    JsonObject compare = new JsonObject().put("herald_latency_curve", curve).put("nchan_latency_curve", curve);

    var doc = Svg.parse(Charts.of("compare", compare).get("latency").toSvg());

    assertThat(Svg.count(doc, "polyline")).isEqualTo(2);
    assertThat(doc.getDocumentElement().getTextContent()).contains("herald", "nchan", "99.99");
  }

  @Test
  void aFileWithoutResultsIsReadAsItsObjectsFlattened() {
    JsonObject compare = new JsonObject().put("scenario", "compare")
        .put("herald", new JsonObject().put("latency_p99_ms", 3.0))
        .put("ratios", new JsonObject().put("p99_ratio", 0.5));

    assertThat(Outcome.results(compare)).isEqualTo(new JsonObject().put("herald_latency_p99_ms", 3.0)
        .put("ratios_p99_ratio", 0.5));
    assertThat(Outcome.results(new JsonObject().put("results", new JsonObject().put("a", 1))))
        .isEqualTo(new JsonObject().put("a", 1));
  }

  private static JsonObject sample(double seconds, double heapMb, long connections) {
    return new JsonObject().put("t_s", seconds).put("heap_mb", heapMb).put("connections", connections);
  }
}
