package io.herald.load.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Prometheus histogram's series as a node exposes it on {@code /metrics}: the upper bounds of its buckets
 * ({@code le}, seconds) with their cumulative counts. Two readings subtract ({@link #since}), so a scenario sees
 * what the server recorded over its measured stretch; a quantile is the upper bound of the bucket it falls in,
 * so it overstates by at most that bucket's width (Micrometer's timer buckets are 0.35 ms apart from 1 to 4.2 ms,
 * 1.4 ms apart from there to 16.8 ms).
 */
public record ServerHistogram(double[] bounds, long[] counts) {

  private static final ServerHistogram EMPTY = new ServerHistogram(new double[0], new long[0]);

  /**
   * The buckets of histogram {@code name} whose labels include {@code label} (such as {@code hop="remote"}), from
   * one exposition; empty when the node has no such series (yet).
   */
  public static ServerHistogram parse(String exposition, String name, String label) {
    String prefix = name + "_bucket{";
    List<double[]> rows = new ArrayList<>();
    for (String line : exposition.split("\n")) {
      int le = line.indexOf("le=\"");
      if (!line.startsWith(prefix) || !line.contains(label) || le < 0) {
        continue;
      }
      String bound = line.substring(le + 4, line.indexOf('"', le + 4));
      double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
      rows.add(new double[] {upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))});
    }
    if (rows.isEmpty()) {
      return EMPTY;
    }
    rows.sort((a, b) -> Double.compare(a[0], b[0]));
    double[] bounds = new double[rows.size()];
    long[] counts = new long[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      bounds[i] = rows.get(i)[0];
      counts[i] = (long) rows.get(i)[1];
    }
    return new ServerHistogram(bounds, counts);
  }

  /** What was recorded since {@code earlier}, a reading of the same series before this one. */
  public ServerHistogram since(ServerHistogram earlier) {
    if (earlier.counts.length == 0) {
      return this;
    }
    if (earlier.counts.length != counts.length) {
      throw new IllegalArgumentException("the two readings have different buckets");
    }
    long[] delta = new long[counts.length];
    for (int i = 0; i < counts.length; i++) {
      delta[i] = counts[i] - earlier.counts[i];
    }
    return new ServerHistogram(bounds, delta);
  }

  /** Observations in the histogram. */
  public long count() {
    return counts.length == 0 ? 0 : counts[counts.length - 1];
  }

  /**
   * The upper bound, in milliseconds, of the bucket that holds quantile {@code q} (0 to 1; 1 is the largest
   * observation's bucket); NaN when empty, infinite when it is beyond the largest finite bound.
   */
  public double quantileMs(double q) {
    long total = count();
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] >= rank) {
        return bounds[i] * 1000;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%d observations, p50 <= %.3f ms, p99 <= %.3f ms", count(), quantileMs(0.5),
        quantileMs(0.99));
  }
}
