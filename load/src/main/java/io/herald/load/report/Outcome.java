package io.herald.load.report;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What became of one run of the suite: the command it ran, its exit code and JSON results, or why it
 * was not made ({@code note}).
 *
 * @param scale "report" or "large" (a quick run counts as the report's scale, shrunk)
 */
public record Outcome(String run, String scenario, String scale, List<String> command, int exitCode,
                      JsonObject results, double seconds, String note) {

  /** A run that was not made, and why. */
  public static Outcome skipped(String run, String scenario, String scale, String why) {
    return new Outcome(run, scenario, scale, List.of(), -1, null, 0, why);
  }

  /**
   * A scenario's JSON file as the report reads it: its {@code results}; or, for a file without (compare's
   * {@code herald}, {@code nchan} and {@code ratios}), every object's fields prefixed with its name.
   */
  public static JsonObject results(JsonObject json) {
    if (json.getValue("results") instanceof JsonObject results) {
      return results;
    }
    JsonObject flat = new JsonObject();
    json.forEach(e -> {
      if (e.getValue() instanceof JsonObject part) {
        part.forEach(f -> flat.put(e.getKey() + "_" + f.getKey(), f.getValue()));
      }
    });
    return flat;
  }

  public boolean ran() {
    return exitCode == 0 && results != null;
  }

  public String status() {
    if (ran()) {
      return "ok";
    }
    return exitCode < 0 ? "skipped: " + note : "failed (exit " + exitCode + ")" + (note.isEmpty() ? "" : ": " + note);
  }
}
