package io.herald.load.scenario;

import io.herald.load.engine.HeapSamples;
import io.herald.load.engine.Pinger;
import io.herald.load.engine.Poll;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** C subscribed /ws connections held for D seconds, each sending an application-level ping every P ms. */
@Command(name = "stability", mixinStandardHelpOptions = true,
    description = "Holds C subscribed /ws connections for D seconds, each sending {\"type\":\"ping\"} every P ms:"
        + " pong rate, pong latency, disconnects, and the server's heap sampled over time.")
public final class Stability implements Callable<Integer> {

  @Mixin
  Target target;

  @Mixin
  Ramp ramp;

  @Option(names = "--duration", description = "Seconds of pinging (default ${DEFAULT-VALUE}).")
  double duration = 300;

  @Option(names = "--ping-interval-ms", description = "Milliseconds between one connection's pings (default ${DEFAULT-VALUE}).")
  long pingIntervalMs = 1_000;

  @Option(names = "--sample-interval-s", description = "Seconds between heap samples (default ${DEFAULT-VALUE}).")
  double sampleIntervalS = 10;

  @Mixin
  Drain drain = new Drain();

  @Override
  public Integer call() throws Exception {
    return target.run(this::measure);
  }

  private Result measure(Vertx vertx) throws Exception {
    ServerMetrics server = target.metrics(vertx);
    HeapSamples samples = new HeapSamples(server, "t_s");
    Subscribers subs = ramp.subscribers(vertx, target, Target.channel("stability"));
    Pinger pinger = new Pinger(vertx, subs, pingIntervalMs);
    ramp.open(subs);
    long start = System.nanoTime();
    Target.await(samples.take(0.0), 30);
    pinger.start();
    long sampler = vertx.setPeriodic(Math.max(1, (long) (sampleIntervalS * 1000)), id -> samples.take(since(start)));
    long durationMs = (long) (duration * 1000);
    Target.await(Poll.delay(vertx, durationMs), durationMs / 1000 + 30);
    pinger.stop();
    vertx.cancelTimer(sampler);
    Target.await(pinger.drain(drain.ms), drain.ms / 1000 + 30);
    Target.await(samples.take(since(start)), 30);
    return ramp.figures(new Result("stability"), subs).put("duration_s", duration).put("ping_interval_ms", pingIntervalMs)
        .put("pings_sent", pinger.sent()).put("pongs", pinger.pongs())
        .put("pong_rate_pct", Result.pct(pinger.pongRatePct()))
        .put("pings_unsent", pinger.unsent()).put("unexpected_pongs", pinger.unexpected())
        .latency("pong_", pinger.latency().summary())
        .put("disconnects", subs.disconnects())
        .memory(samples.firstHeap(), samples.lastHeap(), server).put("heap_samples", samples.list());
  }

  private static double since(long startNanos) {
    return Result.round((System.nanoTime() - startNanos) / 1e9);
  }
}
