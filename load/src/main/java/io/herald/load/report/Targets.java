package io.herald.load.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Herald's performance targets (load/targets.json): each names a run of the suite (or {@code *} for
 * every run that reports the metric), the scale it applies to, a metric (a field of the run's JSON
 * results), an operator and a value, and the report's original figure for comparison.
 */
public final class Targets {

  /** Where the report reads its targets when no file is given and {@code load/targets.json} is absent. */
  static final String RESOURCE = "/io/herald/load/targets.json";

  /** What a measured value says about a target. */
  public enum Status { PASS, FAIL, NO_DATA }

  /** One target's outcome for one run; {@code measured} is null when the run did not report the metric. */
  public record Verdict(Status status, Double measured) {
  }

  /** One target. {@code op} is one of {@code <=, <, >=, >, ==, abs<=}. */
  public record Goal(String measurement, String run, String scale, String metric, String op, double value,
                     String reportFigure) {

    public Goal {
      if (!List.of("<=", "<", ">=", ">", "==", "abs<=").contains(op)) {
        throw new IllegalArgumentException(measurement + ": unknown operator " + op);
      }
    }

    /** Whether this target speaks of run {@code runId} at {@code runScale} ("report" or "large"). */
    public boolean appliesTo(String runId, String runScale) {
      return (run.equals("*") || run.equals(runId)) && (scale.equals("any") || scale.equals(runScale));
    }

    public Verdict evaluate(JsonObject results) {
      if (results == null || !(results.getValue(metric) instanceof Number n)) {
        return new Verdict(Status.NO_DATA, null);
      }
      double v = n.doubleValue();
      boolean met = switch (op) {
        case "<=" -> v <= value;
        case "<" -> v < value;
        case ">=" -> v >= value;
        case ">" -> v > value;
        case "==" -> v == value;
        default -> Math.abs(v) <= value;
      };
      return new Verdict(met ? Status.PASS : Status.FAIL, v);
    }

    /** The target as the report prints it, such as {@code latency_p99_ms <= 5}. */
    public String describe() {
      return metric + " " + op + " " + SvgChart.label(value);
    }
  }

  private final List<Goal> goals;

  public Targets(List<Goal> goals) {
    this.goals = List.copyOf(goals);
  }

  public List<Goal> goals() {
    return goals;
  }

  public static Targets parse(String json) {
    JsonArray array = new JsonObject(json).getJsonArray("targets");
    List<Goal> goals = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject t = array.getJsonObject(i);
      goals.add(new Goal(t.getString("measurement"), t.getString("run"), t.getString("scale", "any"),
          t.getString("metric"), t.getString("op"), t.getDouble("value"), t.getString("report_figure", "-")));
    }
    return new Targets(goals);
  }

  /** Reads {@code file}, or the copy packed in the tool when {@code file} is null. */
  public static Targets load(Path file) throws IOException {
    if (file != null) {
      return parse(Files.readString(file));
    }
    try (InputStream in = Targets.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("no targets file given and none packed in the tool");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** A measured value as the report prints it. */
  static String format(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, v == Math.rint(v) ? "%,.0f" : "%,.3f", v);
  }
}
