package io.herald.load.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Map;

/**
 * A scenario's figures, in the order the performance report prints them; written as a terminal block
 * and as JSON. A list (per-burst figures, heap samples) prints one item a line.
 */
public final class Result {

  private final String scenario;
  private final JsonObject fields = new JsonObject();

  public Result(String scenario) {
    this.scenario = scenario;
  }

  public Result put(String name, Object value) {
    fields.put(name, value);
    return this;
  }

  public Result latency(String prefix, LatencyRecorder.Summary s) {
    return put(prefix + "count", s.count()).put(prefix + "min_ms", s.min()).put(prefix + "max_ms", s.max())
        .put(prefix + "mean_ms", round(s.mean())).put(prefix + "median_ms", s.median()).put(prefix + "p95_ms", s.p95())
        .put(prefix + "p99_ms", s.p99()).put(prefix + "stddev_ms", round(s.stddev()));
  }

  /**
   * A fan-out stretch's figures: publishing, delivery accounting, latency; with subscribers in several client
   * processes, what each counted ({@code per_process}), which the figures add up.
   */
  public Result figures(FanoutRun.Figures f) {
    put("subscribers", f.subscribers()).put("published", f.published()).put("publish_errors", f.publishErrors())
        .put("not_sent", f.notSent()).put("seconds", round(f.seconds()))
        .put("throughput_deliveries_s", round(f.deliveriesPerSecond()))
        .put("expected", f.expected()).put("delivered", f.delivered())
        .put("delivery_rate_pct", pct(f.deliveryRatePct()))
        .put("missing", f.missing()).put("duplicated", f.duplicated()).put("out_of_order", f.outOfOrder())
        .latency("latency_", f.latency()).curve("latency_curve", f.recorder().percentileCurve())
        .put("client_processes", f.parts().size());
    return f.parts().size() > 1 ? put("per_process", DeliveryShare.summaries(f.parts())) : this;
  }

  /** Points for a chart, as a list of {@code [x, y]} (the latency curve: percentile, ms). */
  public Result curve(String name, double[][] points) {
    JsonArray list = new JsonArray();
    for (double[] p : points) {
      list.add(new JsonArray().add(p[0]).add(p[1]));
    }
    return put(name, list);
  }

  /**
   * Server heap at the start and the end, its growth, and how it was read ({@code heap_reading}:
   * {@code after_gc} or {@code no_gc}, with the sentence that says so in {@code heap_note}).
   */
  public Result memory(long initialBytes, long finalBytes, ServerMetrics server) {
    return put("memory_initial_mb", round(initialBytes / 1048576.0)).put("memory_final_mb", round(finalBytes / 1048576.0))
        .put("memory_growth_pct", initialBytes == 0 ? 0 : round(100.0 * (finalBytes - initialBytes) / initialBytes))
        .put("heap_reading", server.heapReading()).put("heap_note", server.heapNote());
  }

  public JsonObject toJson() {
    return new JsonObject().put("scenario", scenario).put("results", fields.copy());
  }

  public JsonObject fields() {
    return fields;
  }

  /** The terminal block: one aligned {@code name: value} line per figure. */
  public String toText() {
    StringBuilder out = new StringBuilder("== ").append(scenario).append(" ==\n");
    for (Map.Entry<String, Object> e : fields) {
      if (e.getValue() instanceof JsonArray list) {
        out.append(String.format(Locale.ROOT, "  %s:%n", e.getKey()));
        list.forEach(item -> out.append("    ").append(text(item)).append('\n'));
      } else {
        out.append(String.format(Locale.ROOT, "  %-26s %s%n", e.getKey(), text(e.getValue())));
      }
    }
    return out.toString();
  }

  private static String text(Object v) {
    return v instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(v);
  }

  /** A percentage truncated to three decimals, so 99.9996% never shows as 100%. */
  public static double pct(double v) {
    return Math.floor(v * 1000) / 1000;
  }

  public static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
