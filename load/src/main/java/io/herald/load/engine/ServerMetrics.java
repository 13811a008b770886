package io.herald.load.engine;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;

/** Reads a node's figures from its {@code /metrics}: heap in use, open connections. */
public final class ServerMetrics {

  private final HttpClient http;
  private final URI node;

  public ServerMetrics(Vertx vertx, URI node) {
    this.http = vertx.createHttpClient();
    this.node = node;
  }

  /** Heap bytes in use: the sum of {@code jvm_memory_used_bytes{area="heap",...}}. */
  public Future<Long> heapUsedBytes() {
    return scrape().map(text -> (long) sum(text, "jvm_memory_used_bytes{area=\"heap\""));
  }

  public Future<Long> activeConnections() {
    return scrape().map(text -> (long) sum(text, "herald_connections_active"));
  }

  private Future<String> scrape() {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(node.getHost()).setPort(node.getPort())
            .setURI("/metrics"))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(b -> b.toString());
  }

  /** Sums the samples of the lines that start with {@code prefix}. */
  static double sum(String exposition, String prefix) {
    double total = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(prefix)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  public Future<Void> close() {
    return http.close();
  }
}
