package io.herald.gateway.testing;


/** Reads one meter from a node's {@code GET /metrics} (Prometheus text format). */
public final class Metrics {

  private Metrics() {
  }

  /**
   * The sum of every series named {@code name}, or the one series {@code name} names with its labels
   * ({@code herald_disconnects_total{code="4011"}}); fails if the node exposes none.
   */
  public static double value(HttpApiClient http, String name) {
    HttpApiClient.Response response = http.get("/metrics");
    if (response.status() != 200) {
      throw new AssertionError("GET /metrics answered " + response.status());
    }
    double sum = 0;
    boolean found = false;
    for (String line : response.body().toString().split("\n")) {
      if (line.startsWith(name + " ") || (!name.contains("{") && line.startsWith(name + "{"))) {
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
