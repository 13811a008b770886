package io.herald.load.scenario;

import io.herald.load.engine.HeapSamples;
import io.herald.load.engine.Poll;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** C cycles of opening N subscribed connections and closing them all; the server's heap over the cycles. */
@Command(name = "leak", mixinStandardHelpOptions = true,
    description = "C cycles of connecting N /ws connections, subscribing and closing them all; the server's heap"
        + " before the first cycle and after every 10, and a verdict on its growth.")
public final class Leak implements Callable<Integer> {

  /** How long the server may take to count a cycle's closed connections as gone. */
  private static final long CLOSED_WITHIN_MS = 10_000;

  @Mixin
  Target target;

  @Mixin
  Ramp ramp;

  @Option(names = "--cycles", description = "Connect/disconnect cycles (default ${DEFAULT-VALUE}).")
  int cycles = 50;

  @Option(names = "--sample-every", description = "Cycles between heap samples (default ${DEFAULT-VALUE}).")
  int sampleEvery = 10;

  @Option(names = "--settle-ms", description = "Pause before each heap sample after the first (default ${DEFAULT-VALUE}).")
  long settleMs = 2_000;

  @Option(names = "--max-growth-pct", description = "Growth the verdict still calls stable (default ${DEFAULT-VALUE}).")
  double maxGrowthPct = 2;

  @Override
  public Integer call() throws Exception {
    return target.run(this::measure);
  }

  private Result measure(Vertx vertx) throws Exception {
    ServerMetrics server = target.metrics(vertx);
    HeapSamples samples = new HeapSamples(server, "cycle");
    long baseline = Target.await(server.activeConnections(), 30);
    Target.await(samples.take(0), 30);
    String channel = Target.channel("leak");
    long start = System.nanoTime();
    long errors = 0;
    long errorEvents = 0;
    long lingering = 0;
    for (int cycle = 1; cycle <= cycles; cycle++) {
      Subscribers subs = ramp.subscribers(vertx, target, channel);
      ramp.open(subs);
      errors += ramp.failed(subs);
      errorEvents += subs.errors();
      Target.await(subs.close(), 60);
      boolean closed = Target.await(server.awaitConnectionsAtMost(vertx, baseline, CLOSED_WITHIN_MS),
          CLOSED_WITHIN_MS / 1000 + 30);
      lingering += closed ? 0 : 1;
      if (cycle % Math.max(1, sampleEvery) == 0 || cycle == cycles) {
        Target.await(Poll.delay(vertx, settleMs), settleMs / 1000 + 30);
        Target.await(samples.take(cycle), 30);
      }
    }
    return new Result("leak").put("cycles", cycles).put("connections_per_cycle", ramp.connections)
        .put("connect_rate_s", ramp.perSecond()).put("channels", ramp.channels())
        .put("connections_opened", (long) cycles * ramp.connections)
        .put("errors", errors).put("error_events", errorEvents)
        .put("cycles_with_lingering_connections", lingering)
        .put("seconds", Result.round((System.nanoTime() - start) / 1e9))
        .put("server_connections_after", Target.await(server.activeConnections(), 30))
        .memory(samples.firstHeap(), samples.lastHeap(), server).put("heap_samples", samples.list())
        .put("verdict", verdict(samples.growthPct(), server));
  }

  private String verdict(double growthPct, ServerMetrics server) {
    return String.format(Locale.ROOT, "%s: heap %s %+.1f%% from before cycle 1 to after cycle %d (stable within"
        + " %+.1f%%, each sample after %d ms settle)", Math.abs(growthPct) <= maxGrowthPct ? "stable" : "GROWING",
        server.afterGc() ? "after GC" : "read without a GC", growthPct, cycles, maxGrowthPct, settleMs);
  }
}
