package io.herald.gateway.testing;

import java.util.List;

/** Reads one meter from a node's {@code GET /metrics} (Prometheus text format). */
public final class Metrics {

  private Metrics() {
  }

  /**
   * The sum of every series named {@code name}, or of the series that have the labels {@code name} gives
   * ({@code herald_disconnects_total{code="4011"}}: every initiator's; {@code {code="4011",initiator="server"}}: one);
   * fails if the node exposes none.
   */
  public static double value(HttpApiClient http, String name) {
    HttpApiClient.Response response = http.get("/metrics");
    if (response.status() != 200) {
      throw new AssertionError("GET /metrics answered " + response.status());
    }
    return sum(response.body().toString(), name);
  }

  /** As {@link #value(HttpApiClient, String)}, of a scrape already read. */
  public static double sum(String exposition, String name) {
    int brace = name.indexOf('{');
    String metric = brace < 0 ? name : name.substring(0, brace);
    List<String> labels = brace < 0 ? List.of() : List.of(name.substring(brace + 1, name.length() - 1).split(","));
    double sum = 0;
    boolean found = false;
    for (String line : exposition.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(metric + " ") || line.startsWith(metric + "{"))) {
        continue;
      }
      String series = line.substring(0, line.lastIndexOf(' '));
      int open = series.indexOf('{');
      List<String> has = open < 0 ? List.of() : List.of(series.substring(open + 1, series.length() - 1).split(","));
      if (has.containsAll(labels)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    if (!found) {
      throw new AssertionError("no metric " + name + " in /metrics");
    }
    return sum;
  }
}
