package io.herald.load.engine;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.List;

/**
 * Reads the nodes' figures from their {@code /metrics}: heap in use, open connections, summed over the
 * nodes. A node cannot be asked to collect over HTTP, so heap is what the JVM holds right now, garbage
 * included, unless the server JVMs' process ids are known ({@code --server-pid}): then every heap reading
 * ({@link #snapshot}, {@link #heapUsedBytes}) first runs {@code jcmd <pid> GC.run} on each of them, and
 * reads the heap left after that full collection. Connection counts never collect.
 */
public final class ServerMetrics {

  private static final String HEAP = "jvm_memory_used_bytes{area=\"heap\"";
  private static final String CONNECTIONS = "herald_connections_active";

  /** Said wherever a heap figure read without a GC is reported. */
  public static final String NO_GC_NOTE = "server heap is read as the node reports it, without a GC (a node cannot"
      + " be asked to collect; give --server-pid to read it after one): garbage not yet collected counts as memory in use";

  /** Said wherever a heap figure read after a GC is reported. */
  public static final String AFTER_GC_NOTE = "server heap is read after a full GC: jcmd PID GC.run for every"
      + " --server-pid, then /metrics (jvm_memory_used_bytes, area heap)";

  /** One reading: heap bytes in use and client connections open. */
  public record Snapshot(long heapBytes, long connections) {
  }

  private final Vertx vertx;
  private final HttpClient http;
  private final List<URI> nodes;
  private final List<Long> gcPids;

  public ServerMetrics(Vertx vertx, URI node) {
    this(vertx, List.of(node));
  }

  public ServerMetrics(Vertx vertx, List<URI> nodes) {
    this(vertx, nodes, List.of());
  }

  /** With {@code gcPids} (the server JVMs' process ids on this machine), heap is read after a GC of each. */
  public ServerMetrics(Vertx vertx, List<URI> nodes, List<Long> gcPids) {
    this.vertx = vertx;
    this.http = vertx.createHttpClient();
    this.nodes = nodes.stream().distinct().toList();
    this.gcPids = List.copyOf(gcPids);
  }

  /** Whether heap readings follow a GC. */
  public boolean afterGc() {
    return !gcPids.isEmpty();
  }

  /** How heap was read, for the result: {@code after_gc} or {@code no_gc}. */
  public String heapReading() {
    return afterGc() ? "after_gc" : "no_gc";
  }

  /** The sentence that goes with every heap figure. */
  public String heapNote() {
    return afterGc() ? AFTER_GC_NOTE.replace("every --server-pid",
        "--server-pid " + String.join(",", gcPids.stream().map(String::valueOf).toList())) : NO_GC_NOTE;
  }

  /** Heap bytes in use: the sum of {@code jvm_memory_used_bytes{area="heap",...}}. */
  public Future<Long> heapUsedBytes() {
    return snapshot().map(Snapshot::heapBytes);
  }

  /** Connections open on the nodes now (never collects). */
  public Future<Long> activeConnections() {
    return scrapeAll().map(Snapshot::connections);
  }

  /** Heap and connections from one scrape of every node, after a GC of each {@code --server-pid} when given. */
  public Future<Snapshot> snapshot() {
    if (gcPids.isEmpty()) {
      return scrapeAll();
    }
    return vertx.<Void>executeBlocking(() -> {
      gcPids.forEach(Jcmd::gc);
      return null;
    }, false).compose(v -> scrapeAll());
  }

  private Future<Snapshot> scrapeAll() {
    return scrapeEach().map(texts -> {
      long heap = 0;
      long connections = 0;
      for (String text : texts) {
        heap += (long) sum(text, HEAP);
        connections += (long) sum(text, CONNECTIONS);
      }
      return new Snapshot(heap, connections);
    });
  }

  /** One scrape of every node, in the order of {@link #nodes}. */
  private Future<List<String>> scrapeEach() {
    List<Future<String>> scrapes = nodes.stream().map(this::scrape).toList();
    return Future.all(scrapes).map(all -> scrapes.stream().map(Future::result).toList());
  }

  /**
   * The slowest gateway event loop's lateness, in milliseconds, over the node's recent window
   * ({@code herald_event_loop_lag_seconds_max}, the largest of every node's).
   */
  public Future<Double> loopLagMaxMs() {
    return scrapeEach().map(texts -> texts.stream()
        .mapToDouble(text -> sum(text, "herald_event_loop_lag_seconds_max") * 1000).max().orElse(0));
  }

  /**
   * Runs of the gateway loops' 20 ms lag timer so far, and how many of those ran within 100 ms of due
   * ({@code herald_event_loop_lag_seconds_count} and its {@code le="0.1"} bucket), summed over the nodes:
   * the difference of two readings is how often a loop was held up past 100 ms in between.
   */
  public Future<long[]> loopLagRuns() {
    return scrapeEach().map(texts -> {
      long runs = 0;
      long withinBound = 0;
      for (String text : texts) {
        runs += (long) sum(text, "herald_event_loop_lag_seconds_count");
        withinBound += (long) sum(text, "herald_event_loop_lag_seconds_bucket{le=\"0.1\"");
      }
      return new long[] {runs, withinBound};
    });
  }

  /**
   * The buckets of histogram {@code name}'s series with {@code label} (such as {@code hop="remote"}), from one
   * scrape of the first node: to subtract two readings around a measured stretch.
   */
  public Future<ServerHistogram> histogram(String name, String label) {
    return scrape(nodes.get(0)).map(text -> ServerHistogram.parse(text, name, label));
  }

  /** Completes with true once the nodes report at most {@code count} connections, false after {@code withinMs}. */
  public Future<Boolean> awaitConnectionsAtMost(Vertx vertx, long count, long withinMs) {
    return Poll.untilAsync(vertx, () -> activeConnections().map(n -> n <= count), System.currentTimeMillis() + withinMs);
  }

  private Future<String> scrape(URI node) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(node.getHost()).setPort(node.getPort())
            .setURI("/metrics"))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(b -> b.toString());
  }

  /**
   * Sums the samples of the series {@code prefix} names: lines that start with it and go on with a label
   * set or the value (so {@code foo} does not also sum {@code foo_total}).
   */
  static double sum(String exposition, String prefix) {
    double total = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(prefix) && line.length() > prefix.length()) {
        char next = line.charAt(prefix.length());
        if (next == '{' || next == ' ' || next == ',' || next == '}') {
          total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return total;
  }

  public Future<Void> close() {
    return http.close();
  }
}
