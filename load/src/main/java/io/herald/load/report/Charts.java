package io.herald.load.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The charts a run's JSON results allow: latency percentile curves (fields ending in {@code latency_curve},
 * {@code [[percentile, ms], ...]}; several, such as Herald's and Nchan's, share one chart), delivery per
 * second per step ({@code steps} of fanout-max), and samples over time ({@code heap_samples}: objects whose
 * first field is the position, {@code t_s} or {@code cycle}, one chart per other number such as
 * {@code heap_mb} and {@code connections}).
 */
public final class Charts {

  private static final String CURVE = "latency_curve";
  private static final String SAMPLES = "_samples";

  private Charts() {
  }

  /** Charts by file-name suffix, in the order the report shows them. */
  public static Map<String, SvgChart> of(String caption, JsonObject results) {
    Map<String, SvgChart> charts = new LinkedHashMap<>();
    SvgChart curves = latencyCurves(caption, results);
    if (curves != null) {
      charts.put("latency", curves);
    }
    if (results.getValue("steps") instanceof JsonArray steps && !steps.isEmpty()) {
      charts.put("steps", steps(caption, steps));
    }
    for (String field : results.fieldNames()) {
      if (field.endsWith(SAMPLES) && results.getValue(field) instanceof JsonArray samples && !samples.isEmpty()
          && samples.getValue(0) instanceof JsonObject first) {
        List<String> keys = List.copyOf(first.fieldNames());
        for (String y : keys.subList(1, keys.size())) {
          if (first.getValue(y) instanceof Number) {
            charts.put(y.replace('_', '-'), samples(caption, samples, keys.get(0), y));
          }
        }
      }
    }
    return charts;
  }

  /** One line per field ending in latency_curve (named by what comes before it), or null when there is none. */
  static SvgChart latencyCurves(String caption, JsonObject results) {
    SvgChart chart = null;
    for (String field : results.fieldNames()) {
      if (!field.endsWith(CURVE) || !(results.getValue(field) instanceof JsonArray curve) || curve.isEmpty()) {
        continue;
      }
      List<String> labels = new ArrayList<>();
      double[] ms = new double[curve.size()];
      for (int i = 0; i < curve.size(); i++) {
        labels.add(SvgChart.label(curve.getJsonArray(i).getDouble(0)));
        ms[i] = curve.getJsonArray(i).getDouble(1);
      }
      String name = field.equals(CURVE) ? "latency" : field.substring(0, field.length() - CURVE.length() - 1);
      if (chart == null) {
        chart = new SvgChart(caption + ": latency by percentile", "percentile", "latency (ms)", labels);
      }
      chart.line(name, ms);
    }
    return chart;
  }

  static SvgChart steps(String caption, JsonArray steps) {
    List<String> labels = new ArrayList<>();
    double[] delivered = new double[steps.size()];
    double[] offered = new double[steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      JsonObject step = steps.getJsonObject(i);
      labels.add(SvgChart.label(step.getDouble("rate_msg_s", 0.0)));
      delivered[i] = step.getDouble("deliveries_s", 0.0);
      offered[i] = step.getDouble("offered_deliveries_s", 0.0);
    }
    return new SvgChart(caption + ": deliveries per second per step", "publish rate (msg/s)", "deliveries/s", labels)
        .bars("delivered/s", delivered).line("offered/s (rate x subscribers)", offered);
  }

  static SvgChart samples(String caption, JsonArray samples, String x, String y) {
    List<String> labels = new ArrayList<>();
    double[] values = new double[samples.size()];
    for (int i = 0; i < samples.size(); i++) {
      JsonObject sample = samples.getJsonObject(i);
      labels.add(SvgChart.label(sample.getDouble(x)));
      values[i] = sample.getDouble(y);
    }
    String name = y.equals("heap_mb") ? "server heap (MB)" : y.replace('_', ' ');
    return new SvgChart(caption + ": " + name + " over time", x.equals("t_s") ? "seconds" : x, name, labels)
        .line(name, values);
  }
}
