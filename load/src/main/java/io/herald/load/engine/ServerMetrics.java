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
 * nodes. Heap is what the JVM holds right now, garbage included: a node cannot be asked to collect.
 */
public final class ServerMetrics {

  private static final String HEAP = "jvm_memory_used_bytes{area=\"heap\"";
  private static final String CONNECTIONS = "herald_connections_active";

  /** Said wherever a heap figure is reported. */
  public static final String NO_GC_NOTE = "server heap is read as the node reports it, without a GC (a node cannot"
      + " be asked to collect): garbage not yet collected counts as memory in use";

  /** One reading: heap bytes in use and client connections open. */
  public record Snapshot(long heapBytes, long connections) {
  }

  private final HttpClient http;
  private final List<URI> nodes;

  public ServerMetrics(Vertx vertx, URI node) {
    this(vertx, List.of(node));
  }

  public ServerMetrics(Vertx vertx, List<URI> nodes) {
    this.http = vertx.createHttpClient();
    this.nodes = nodes.stream().distinct().toList();
  }

  /** Heap bytes in use: the sum of {@code jvm_memory_used_bytes{area="heap",...}}. */
  public Future<Long> heapUsedBytes() {
    return snapshot().map(Snapshot::heapBytes);
  }

  public Future<Long> activeConnections() {
    return snapshot().map(Snapshot::connections);
  }

  /** Heap and connections from one scrape of every node. */
  public Future<Snapshot> snapshot() {
    List<Future<String>> scrapes = nodes.stream().map(this::scrape).toList();
    return Future.all(scrapes).map(all -> {
      long heap = 0;
      long connections = 0;
      for (Future<String> text : scrapes) {
        heap += (long) sum(text.result(), HEAP);
        connections += (long) sum(text.result(), CONNECTIONS);
      }
      return new Snapshot(heap, connections);
    });
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
