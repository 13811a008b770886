package io.herald.load.engine;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The server's heap and connections read at points of a run (every 10 s, every 10 cycles), kept as
 * the JSON list the result carries; growth is from the first sample to the last.
 */
public final class HeapSamples {

  private final ServerMetrics server;
  private final String at;
  private final JsonArray samples = new JsonArray();
  private long firstHeap = -1;
  private long lastHeap;

  /** {@code at} names the position field of each sample ({@code t_s}, {@code cycle}). */
  public HeapSamples(ServerMetrics server, String at) {
    this.server = server;
    this.at = at;
  }

  /** Reads the nodes now and appends a sample at {@code position}; completes with the heap bytes. */
  public Future<Long> take(Object position) {
    return server.snapshot().map(s -> {
      add(position, s);
      return s.heapBytes();
    });
  }

  private synchronized void add(Object position, ServerMetrics.Snapshot s) {
    if (firstHeap < 0) {
      firstHeap = s.heapBytes();
    }
    lastHeap = s.heapBytes();
    samples.add(new JsonObject().put(at, position).put("heap_mb", Result.round(s.heapBytes() / 1048576.0))
        .put("connections", s.connections()));
  }

  public synchronized JsonArray list() {
    return samples.copy();
  }

  public synchronized long firstHeap() {
    return Math.max(0, firstHeap);
  }

  public synchronized long lastHeap() {
    return lastHeap;
  }

  /** Heap growth from the first sample to the last, in percent of the first. */
  public synchronized double growthPct() {
    return firstHeap <= 0 ? 0 : 100.0 * (lastHeap - firstHeap) / firstHeap;
  }
}
