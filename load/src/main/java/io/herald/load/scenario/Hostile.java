package io.herald.load.scenario;

import io.herald.load.attack.Attack;
import io.herald.load.attack.ChannelFlood;
import io.herald.load.attack.FragmentBomb;
import io.herald.load.attack.Slowloris;
import io.herald.load.engine.Pinger;
import io.herald.load.engine.Poll;
import io.herald.load.engine.Progress;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * Abusive anonymous clients against one node, while probe connections measure how fast its event loops answer:
 * the hardening's acceptance run. Probes are subscribed /ws connections (spread over the node's event loops by
 * its accept balancing) pinging every few milliseconds; their round trips include the load tool's own machine.
 * The verdict reads the node's own view: during the attacks, no run of its gateway loops' 20 ms lag timer
 * ({@code herald_event_loop_lag_seconds}) came more than the bound late, and every probe ping was answered.
 */
@Command(name = "hostile", mixinStandardHelpOptions = true,
    description = "Runs abusive clients (fragment-bomb, channel-flood, slowloris) against a node for D seconds while"
        + " P probe connections ping it: the probes' pong latency (does every event loop keep answering?), what the"
        + " node answered each attack, and its heap before and after. Use only against a node you run.")
public final class Hostile implements Callable<Integer> {

  /** The acceptance bound: every event loop answers within this while under attack. */
  static final double ANSWER_BOUND_MS = 100;

  @Mixin
  Target target;

  private static final List<String> ATTACKS = List.of("fragment-bomb", "channel-flood", "slowloris");

  @Option(names = "--attacks", split = ",", description = "Which attacks (default ${DEFAULT-VALUE}).")
  List<String> attacks = ATTACKS;

  @Option(names = "--duration", description = "Seconds of attack (default ${DEFAULT-VALUE}).")
  double duration = 30;

  @Option(names = "--probes", description = "Probe /ws connections (default ${DEFAULT-VALUE}).")
  int probes = 8;

  @Option(names = "--probe-interval-ms", description = "Milliseconds between one probe's pings (default ${DEFAULT-VALUE}).")
  long probeIntervalMs = 50;

  @Option(names = "--bomb-rate", description = "Fragment bombs per second (default ${DEFAULT-VALUE}).")
  double bombRate = 4;

  @Option(names = "--bomb-depth", description = "Fragment levels of a bomb: 2^depth leaves (default ${DEFAULT-VALUE}).")
  int bombDepth = 30;

  @Option(names = "--flood-connections", description = "Publishing connections of the channel flood (default ${DEFAULT-VALUE}).")
  int floodConnections = 8;

  @Option(names = "--flood-rate", description = "Publishes per second per flood connection (default ${DEFAULT-VALUE}).")
  double floodRate = 100;

  @Option(names = "--flood-bytes", description = "Bytes of each flood message's data (default ${DEFAULT-VALUE}).")
  int floodBytes = 32_768;

  @Option(names = "--flood-channels", description = "New channels the flood creates at most (default ${DEFAULT-VALUE}).")
  long floodChannels = 20_000;

  @Option(names = "--slowloris", description = "Slowloris connections (default ${DEFAULT-VALUE}).")
  int slowloris = 100;

  @Option(names = "--trickle-ms", description = "Milliseconds between a slowloris connection's header bytes (default ${DEFAULT-VALUE}).")
  long trickleMs = 2_000;

  @Mixin
  Drain drain = new Drain();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    for (String name : attacks) {
      if (!ATTACKS.contains(name)) {
        throw new ParameterException(spec.commandLine(), "--attacks: unknown attack " + name + " (" + String.join(", ", ATTACKS) + ")");
      }
    }
    return target.run(this::measure);
  }

  private Result measure(Vertx vertx) throws Exception {
    URI node = target.urls.get(0);
    ServerMetrics server = target.metrics(vertx);
    long heapBefore = Target.await(server.heapUsedBytes(), 60);
    // The probes get an event loop of their own: on the attacks' loops they would time the tool's own backlog.
    Vertx probeVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      return measure(vertx, probeVertx, node, server, heapBefore);
    } finally {
      Target.await(probeVertx.close(), 30);
    }
  }

  private Result measure(Vertx vertx, Vertx probeVertx, URI node, ServerMetrics server, long heapBefore) throws Exception {
    Subscribers probeConnections = new Subscribers(probeVertx, List.of(node), Subscribers.Protocol.WS,
        Target.channel("hostile"));
    Target.await(probeConnections.open(probes, 100), Subscribers.SETUP_TIMEOUT_MS / 1000 + 30);
    Pinger pinger = new Pinger(probeVertx, probeConnections, probeIntervalMs);
    List<Attack> running = new ArrayList<>();
    for (String name : attacks) {
      running.add(attack(name, vertx, node));
    }
    // A fresh node's first /metrics answers load classes on the loop: read once to warm it, so that the reading the
    // attacks are counted from does not itself make a late timer run that lands in their window.
    Target.await(server.loopLagRuns(), 60);
    long[] lagBefore = Target.await(server.loopLagRuns(), 60);
    pinger.start();
    running.forEach(Attack::start);
    long durationMs = (long) (duration * 1000);
    try (AutoCloseable progress = Progress.every(10, () -> String.format("hostile: %d pongs of %d pings, slowest %.1f ms",
        pinger.pongs(), pinger.sent(), pinger.latency().summary().max()))) {
      Target.await(Poll.delay(vertx, durationMs), durationMs / 1000 + 30);
    }
    running.forEach(Attack::stop);
    pinger.stop();
    Target.await(pinger.drain(drain.ms), drain.ms / 1000 + 30);
    // Before the heap reading: its full GC would count as lag.
    double loopLagMs = Target.await(server.loopLagMaxMs(), 60);
    long[] lagAfter = Target.await(server.loopLagRuns(), 60);
    long lateRuns = (lagAfter[0] - lagBefore[0]) - (lagAfter[1] - lagBefore[1]);
    Long heapAfter = heapAfter(server);
    JsonObject outcomes = new JsonObject();
    running.forEach(a -> outcomes.put(a.name(), a.figures()));

    Target.await(probeConnections.close(), 30);
    Result result = new Result("hostile").put("attacks", String.join(",", attacks)).put("duration_s", duration)
        .put("probes", probes).put("probe_interval_ms", probeIntervalMs)
        .put("pings_sent", pinger.sent()).put("pongs", pinger.pongs())
        .put("pong_rate_pct", Result.pct(pinger.pongRatePct())).put("pings_unanswered", pinger.sent() - pinger.pongs()).put("probe_disconnects", probeConnections.disconnects())
        .latency("pong_", pinger.latency().summary())
        .put("node_loop_lag_runs", lagAfter[0] - lagBefore[0]).put("node_loop_lag_runs_over_bound", lateRuns)
        .put("node_loop_lag_max_ms_2min_window", Result.round(loopLagMs))
        .put("answer_bound_ms", ANSWER_BOUND_MS)
        .put("every_loop_answered_within_bound", pinger.pongs() == pinger.sent() && lateRuns == 0)
        .put("outcomes", outcomes);
    return heapAfter == null ? result.put("server_answered_metrics_after", false)
        : result.memory(heapBefore, heapAfter, server);
  }

  /** The heap after the run, or null when the node does not answer /metrics within a minute (a frozen node). */
  private static Long heapAfter(ServerMetrics server) throws Exception {
    try {
      return Target.await(server.heapUsedBytes(), 60);
    } catch (TimeoutException e) {
      Progress.line("hostile: the node did not answer /metrics within 60 s after the attacks");
      return null;
    }
  }

  private Attack attack(String name, Vertx vertx, URI node) {
    return switch (name) {
      case "fragment-bomb" -> new FragmentBomb(vertx, node, bombRate, bombDepth);
      case "channel-flood" -> new ChannelFlood(vertx, node, floodConnections, floodRate, floodBytes, floodChannels);
      case "slowloris" -> new Slowloris(vertx, node, slowloris, trickleMs);
      default -> throw new IllegalArgumentException("unknown attack " + name); // refused in call()
    };
  }
}
