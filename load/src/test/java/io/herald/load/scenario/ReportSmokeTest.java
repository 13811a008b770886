package io.herald.load.scenario;

import io.herald.load.SmokeNode;
import io.herald.load.Svg;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code report --quick --skip-peers} against a real node: the suite runs, the report and its charts are written. */
class ReportSmokeTest {

  /** The runs of the quick suite that publish, so count deliveries. */
  private static final List<String> DELIVERING = List.of("throughput", "fanout-max", "graphql", "graphql-hf", "burst");
  private static final List<String> CONNECTING = List.of("connections", "stability", "leak");

  @RegisterExtension
  static final SmokeNode NODE = new SmokeNode();

  @TempDir
  Path dir;

  @Test
  void quickReportRunsTheSuiteAndWritesMarkdownChartsAndResults() throws Exception {
    Path md = dir.resolve("report.md");

    JsonObject summary = NODE.run(dir.resolve("summary.json"), "report", "--quick", "--skip-peers", "--out",
        md.toString());

    String text = Files.readString(md);
    assertThat(text).startsWith("# Herald load report")
        .contains("| measurement | run | scale | report's figure | target | measured | result |", "scale: quick",
            "| compare | compare | report | skipped: --skip-peers |");
    for (String run : DELIVERING) {
      assertThat(text).contains("| " + run + " | " + run + " | report | ok |");
      JsonObject results = new JsonObject(Files.readString(dir.resolve("report-report-" + run + ".json")))
          .getJsonObject("results");
      assertThat(results.getDouble("delivery_rate_pct")).as(run).isEqualTo(100.0);
      assertThat(results.getLong("delivered")).as(run).isEqualTo(results.getLong("expected")).isPositive();
      assertThat(results.getLong("missing") + results.getLong("duplicated") + results.getLong("out_of_order"))
          .as(run).isZero();
      assertThat(text).contains("| delivery rate below saturation (%) | " + run + " | report | 94.2-98.9% | "
          + "delivery_rate_pct == 100 | 100 | PASS |");
    }
    for (String run : CONNECTING) {
      assertThat(text).contains("| " + run + " | " + run + " | report | ok |");
    }
    List<String> charts;
    try (Stream<Path> files = Files.list(dir)) {
      charts = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".svg")).toList();
    }
    assertThat(charts).contains("report-report-throughput-latency.svg", "report-report-fanout-max-steps.svg",
        "report-report-fanout-max-heap-mb.svg", "report-report-stability-heap-mb.svg",
        "report-report-leak-connections.svg", "report-report-graphql-hf-latency.svg");
    for (String chart : charts) {
      Svg.parse(Files.readString(dir.resolve(chart)));
      assertThat(text).contains("](" + chart + ")");
    }
    // the summary on stdout and in --json: no run failed, those left out say why
    assertThat(summary.getJsonArray("runs").stream().map(r -> ((JsonObject) r).getString("status")))
        .allMatch(status -> status.equals("ok") || status.startsWith("skipped: "))
        .contains("skipped: --skip-peers", "skipped: not part of the quick suite");
  }
}
