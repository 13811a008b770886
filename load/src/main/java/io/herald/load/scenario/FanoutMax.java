package io.herald.load.scenario;

import io.herald.load.engine.Audience;
import io.herald.load.engine.CpuMeter;
import io.herald.load.engine.FanoutRun;
import io.herald.load.engine.HeapSamples;
import io.herald.load.engine.Progress;
import io.herald.load.engine.Publisher;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * S subscribers stay open while the publish rate steps up; the first step that loses, duplicates or
 * reorders a delivery (or fails to send one), or whose P99 passes the bound, ends the run. The answer is
 * the highest rate that held, in deliveries per second (rate x subscribers). Each step also says what CPU this tool
 * (with its client processes) and, with --server-pid, the node spent per delivery: which side saturated.
 */
@Command(name = "fanout-max", mixinStandardHelpOptions = true,
    description = "Steps the publish rate up with S subscribers until delivery drops below 100%% or P99 passes a "
        + "bound; reports each step and the highest rate that held, in deliveries per second.")
public final class FanoutMax implements Callable<Integer> {

  @Mixin
  Target target;

  @Mixin
  RunOptions options;

  @Mixin
  SubscriberCount subscribers = new SubscriberCount(1_000);

  @Option(names = "--rates", split = ",", description = "Publish rates to step through, msg/s (default ${DEFAULT-VALUE}).")
  List<Double> rates = List.of(100.0, 250.0, 500.0, 1_000.0, 2_000.0, 4_000.0);

  @Option(names = "--step-seconds", description = "Seconds of publishing per step (default ${DEFAULT-VALUE}).")
  double stepSeconds = 10;

  @Option(names = "--p99-bound-ms", description = "A step holds while its P99 is at most this (default ${DEFAULT-VALUE}).")
  double p99BoundMs = 50;

  @Mixin
  ProtocolOption protocol = new ProtocolOption();

  @Mixin
  SubscriberProcesses clients = new SubscriberProcesses();

  @Override
  public Integer call() throws Exception {
    return target.run(this::measure);
  }

  private Result measure(Vertx vertx) throws Exception {
    BrokerUnderTest broker = BrokerUnderTest.herald(target, protocol.value);
    String channel = broker.channel("fanout-max");
    Publisher publisher = broker.publisher(vertx, channel, options);
    ServerMetrics server = target.metrics(vertx);
    HeapSamples heap = new HeapSamples(server, "t_s");
    long start = System.nanoTime();
    Target.await(heap.take(0.0), 30);
    Audience audience = clients.open(vertx, target, broker, channel, publisher, subscribers.count, options);
    try {
      return steps(vertx, audience, publisher, server, heap, start);
    } finally {
      Target.await(audience.close(), 60);
    }
  }

  private Result steps(Vertx vertx, Audience audience, Publisher publisher, ServerMetrics server, HeapSamples heap,
                       long start) throws Exception {
    JsonArray steps = new JsonArray();
    FanoutRun.Figures held = null;
    FanoutRun.Figures last = null;
    Result heldCpu = null;
    Result lastCpu = null;
    double heldRate = 0;
    for (double rate : rates) {
      long count = Math.max(1, Math.round(rate * stepSeconds));
      CpuMeter cpu = CpuMeter.start(audience, target.serverPids);
      last = Target.await(FanoutRun.run(vertx, audience, publisher, rate, count, options.drainMs()),
          options.runSeconds(count, rate));
      lastCpu = cpu.report(new Result("cpu"), last.delivered());
      boolean holds = holds(last);
      Target.await(heap.take(Result.round((System.nanoTime() - start) / 1e9)), 30);
      steps.add(step(rate, last, holds).mergeIn(lastCpu.fields()));
      Progress.line("fanout-max: %.0f msg/s x %d subscribers: %.3f%% delivered, P99 %.1f ms, client CPU %s%% of a"
              + " core: %s", rate, last.subscribers(), last.deliveryRatePct(), last.latency().p99(),
          lastCpu.fields().getValue("client_cpu_pct_of_core"), holds ? "held" : "did not hold");
      if (!holds) {
        break;
      }
      held = last;
      heldCpu = lastCpu;
      heldRate = rate;
    }
    FanoutRun.Figures shown = held != null ? held : last;
    Result result = new Result("fanout-max").put("highest_rate_held_msg_s", heldRate)
        .put("max_deliveries_s", heldRate * subscribers.count).put("p99_bound_ms", p99BoundMs)
        .put("step_seconds", stepSeconds).put("steps", steps)
        .put("shown", held != null ? "the highest step that held" : "the first step (none held)")
        .figures(shown).put("protocol", protocol.label()).put("publish_batch", publisher.batch());
    (held != null ? heldCpu : lastCpu).fields().forEach(e -> result.put(e.getKey(), e.getValue()));
    return result.memory(heap.firstHeap(), heap.lastHeap(), server).put("heap_samples", heap.list())
        .put("connection_errors", audience.errors()).latency("setup_", audience.setupTimes().summary());
  }

  /** Every message sent and delivered to every subscriber once, in order, with P99 within the bound. */
  private boolean holds(FanoutRun.Figures f) {
    return f.notSent() == 0 && f.publishErrors() == 0 && f.missing() == 0 && f.duplicated() == 0
        && f.outOfOrder() == 0 && f.delivered() == f.expected() && f.latency().p99() <= p99BoundMs;
  }

  private static JsonObject step(double rate, FanoutRun.Figures f, boolean holds) {
    return new JsonObject().put("rate_msg_s", rate).put("offered_deliveries_s", rate * f.subscribers())
        .put("deliveries_s", Result.round(f.deliveriesPerSecond()))
        .put("delivery_rate_pct", Result.pct(f.deliveryRatePct())).put("missing", f.missing())
        .put("duplicated", f.duplicated()).put("out_of_order", f.outOfOrder()).put("not_sent", f.notSent())
        .put("publish_errors", f.publishErrors()).put("latency_median_ms", f.latency().median())
        .put("latency_p99_ms", f.latency().p99()).put("latency_max_ms", f.latency().max()).put("held", holds);
  }
}
