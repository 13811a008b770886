package io.herald.load.scenario;

import io.herald.load.engine.Progress;
import io.herald.load.engine.Result;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Scenarios against Herald and against Nchan with identical parameters, one broker after the other, each after an
 * unreported warm-up run: {@code throughput} (S x R), {@code fanout} (a throughput run with many subscribers at one
 * fixed rate) and {@code burst}. Per scenario it prints both blocks and the Herald/Nchan ratios; the JSON nests them
 * under {@code scenarios}, and keeps throughput's at the top level (herald, nchan, ratios) as before.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Runs scenarios (--scenarios: throughput, fanout, burst) against Herald (--url) and against Nchan"
        + " (--peer-url) with the same parameters, one after the other, and prints both results and the ratios"
        + " Herald/Nchan for each.",
        "Start Nchan with load/peers/nchan/run-nchan.sh start <port>; --skip-nchan runs Herald alone."})
public final class Compare implements Callable<Integer> {

  /** The scenarios compare runs, in the order --scenarios may name them. */
  static final List<String> SCENARIOS = List.of("throughput", "fanout", "burst");

  @Mixin
  Target target;

  @Option(names = "--peer-url", description = "Nchan's base URL, e.g. http://127.0.0.1:8081 (required unless --skip-nchan).")
  URI nchanUrl;

  @Option(names = "--peer-pid", split = ",", paramLabel = "PID", description = "Process ids of Nchan's nginx (master"
      + " and workers): its CPU is then read from /proc over the measured run, as the node's is with --server-pid.")
  List<Long> nchanPids = List.of();

  @Option(names = "--skip-nchan", description = "Measure Herald only (for machines without nginx + libnginx-mod-nchan).")
  boolean skipNchan;

  @Option(names = "--scenarios", split = ",", paramLabel = "NAME", description = "Scenarios to compare, comma-separated:"
      + " throughput (--subscribers x --rate), fanout (--fanout-subscribers x --fanout-rate), burst (--bursts x"
      + " --burst-messages to --burst-subscribers); each runs for --duration (burst: its bursts) against both"
      + " (default ${DEFAULT-VALUE}).")
  List<String> scenarios = List.of("throughput");

  @Mixin
  SubscriberCount subscribers = new SubscriberCount(100);

  /** How Herald's side subscribes (ws_batch: with messages frames, against a node whose namespace has batch_ms). */
  @Mixin
  ProtocolOption protocol = new ProtocolOption();

  /** Per broker: each is measured for --duration seconds. */
  @Mixin
  Publishing publishing = new Publishing();

  @Option(names = "--fanout-subscribers", description = "fanout: subscribers (default ${DEFAULT-VALUE}).")
  int fanoutSubscribers = 1_000;

  @Option(names = "--fanout-rate", description = "fanout: messages per second, for --duration (default ${DEFAULT-VALUE}).")
  double fanoutRate = 100;

  @Option(names = "--bursts", description = "burst: bursts (default ${DEFAULT-VALUE}, as burst's).")
  int bursts = 5;

  @Option(names = "--burst-messages", description = "burst: messages per burst (default ${DEFAULT-VALUE}, as burst's).")
  int burstMessages = 1_000;

  @Option(names = "--burst-gap-ms", description = "burst: pause between bursts (default ${DEFAULT-VALUE}, as burst's).")
  long burstGapMs = 1_000;

  @Option(names = "--burst-subscribers", description = "burst: subscribers (default ${DEFAULT-VALUE}, as burst's).")
  int burstSubscribers = 100;

  @Option(names = "--warmup", description = "Seconds of an unreported run against each broker first, same subscribers "
      + "and rate (burst: one unreported burst), so neither side measures a cold JIT (default ${DEFAULT-VALUE}; 0: none).")
  double warmup = 2;

  @Mixin
  RunOptions options;

  @Mixin
  SubscriberProcesses clients = new SubscriberProcesses();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!skipNchan && nchanUrl == null) {
      throw new ParameterException(spec.commandLine(), "compare needs --peer-url (Nchan's base URL) or --skip-nchan");
    }
    for (String s : scenarios) {
      if (!SCENARIOS.contains(s)) {
        throw new ParameterException(spec.commandLine(), "--scenarios: unknown scenario '" + s + "' (one of "
            + String.join(", ", SCENARIOS) + ")");
      }
    }
    JsonObject json = new JsonObject().put("scenario", "compare").put("parameters", parameters());
    JsonObject perScenario = new JsonObject();
    for (String scenario : SCENARIOS.stream().filter(scenarios::contains).toList()) {
      Result herald = measure(scenario, BrokerUnderTest.herald(target, protocol.value));
      Result nchan = skipNchan ? null : measure(scenario, BrokerUnderTest.nchan(nchanUrl, nchanPids));
      Result ratios = ratios("compare " + scenario + " (herald / nchan)", herald.fields(),
          nchan == null ? null : nchan.fields());

      System.out.print(label(herald, scenario + " (herald)").toText());
      if (nchan == null) {
        System.out.println("== " + scenario + " (nchan) ==");
        System.out.println("  skipped (--skip-nchan)");
      } else {
        System.out.print(label(nchan, scenario + " (nchan)").toText());
      }
      System.out.print(ratios.toText());
      JsonObject block = new JsonObject().put("herald", herald.fields().copy())
          .put("nchan", nchan == null ? null : nchan.fields().copy()).put("ratios", ratios.fields().copy());
      perScenario.put(scenario, block);
      if (scenario.equals("throughput")) {
        json.put("herald", block.getValue("herald")).put("nchan", block.getValue("nchan"))
            .put("ratios", block.getValue("ratios"));
      }
    }
    if (target.json != null) {
      write(json.put("nchan_skipped", skipNchan).put("scenarios", perScenario));
    }
    return 0;
  }

  private JsonObject parameters() {
    return new JsonObject().put("subscribers", subscribers.count).put("protocol", protocol.label())
        .put("rate_msg_s", publishing.rate)
        .put("duration_s", publishing.duration).put("warmup_s", warmup).put("publish_connections", options.publishConnections)
        .put("scenarios", new JsonArray(SCENARIOS.stream().filter(scenarios::contains).toList()))
        .put("fanout_subscribers", fanoutSubscribers).put("fanout_rate_msg_s", fanoutRate)
        .put("bursts", bursts).put("burst_messages", burstMessages).put("burst_gap_ms", burstGapMs)
        .put("burst_subscribers", burstSubscribers).put("client_processes", clients.processes);
  }

  /** An unreported warm-up, then the measured run, of {@code scenario} against one broker. */
  private Result measure(String scenario, BrokerUnderTest broker) throws Exception {
    String name = broker.kind().label();
    try {
      if (warmup > 0) {
        Progress.line("compare: %s: warming up %s (%s)", scenario, name,
            scenario.equals("burst") ? "one burst" : warmup + " s");
        run(scenario, broker, true);
      }
      Progress.line("compare: %s: measuring %s", scenario, name);
      return run(scenario, broker, false);
    } catch (Exception e) {
      if (!broker.herald()) {
        throw new IllegalStateException("the Nchan run at " + nchanUrl + " failed (is it running? "
            + "load/peers/nchan/run-nchan.sh start <port>; or pass --skip-nchan): " + e, e);
      }
      throw e;
    }
  }

  /** One run of {@code scenario}; a warm-up is shorter (--warmup seconds, or one burst). */
  private Result run(String scenario, BrokerUnderTest broker, boolean warmUp) throws Exception {
    return switch (scenario) {
      case "throughput" -> throughput(subscribers.count).run(target, broker, "throughput", subscribers.count,
          publishing.rate, messages(publishing.rate, warmUp));
      case "fanout" -> throughput(fanoutSubscribers).run(target, broker, "fanout", fanoutSubscribers, fanoutRate,
          messages(fanoutRate, warmUp));
      case "burst" -> burst().run(target, broker, warmUp ? 1 : bursts);
      default -> throw new IllegalArgumentException(scenario);
    };
  }

  private long messages(double rate, boolean warmUp) {
    return Math.max(1, Math.round(rate * (warmUp ? warmup : publishing.duration)));
  }

  private Throughput throughput(int subscriberCount) {
    Throughput t = new Throughput();
    t.subscribers = new SubscriberCount(subscriberCount);
    t.publishing = publishing;
    t.options = options;
    t.clients = clients;
    return t;
  }

  private Burst burst() {
    Burst b = new Burst();
    b.messages = burstMessages;
    b.gapMs = burstGapMs;
    b.subscribers = new SubscriberCount(burstSubscribers);
    b.options = options;
    b.clients = clients;
    return b;
  }

  /**
   * Herald / Nchan: deliveries per second (above 1 favours Herald), median and P99 latency and, when both sides'
   * processes were given, server CPU per delivery (below 1 favours Herald); and whether the target holds: Herald at
   * least 1.0x Nchan's deliveries per second at an equal or better P50 and P99, and no more server CPU per
   * delivery when it was measured. With Nchan skipped, the block says so and has no ratios.
   */
  static Result ratios(JsonObject herald, JsonObject nchan) {
    return ratios("compare (herald / nchan)", herald, nchan);
  }

  /** {@link #ratios(JsonObject, JsonObject)} under the block title {@code title}. */
  static Result ratios(String title, JsonObject herald, JsonObject nchan) {
    Result r = new Result(title);
    if (nchan == null) {
      return r.put("nchan", "skipped");
    }
    Double deliveries = ratio(herald.getDouble("throughput_deliveries_s"), nchan.getDouble("throughput_deliveries_s"));
    Double p50 = ratio(herald.getDouble("latency_median_ms"), nchan.getDouble("latency_median_ms"));
    Double p99 = ratio(herald.getDouble("latency_p99_ms"), nchan.getDouble("latency_p99_ms"));
    boolean cpuKnown = herald.containsKey("server_cpu_us_per_delivery") && nchan.containsKey("server_cpu_us_per_delivery");
    Double cpu = cpuKnown ? ratio(herald.getDouble("server_cpu_us_per_delivery"), nchan.getDouble("server_cpu_us_per_delivery"))
        : null;
    boolean met = herald.getDouble("throughput_deliveries_s") >= nchan.getDouble("throughput_deliveries_s")
        && herald.getDouble("latency_median_ms") <= nchan.getDouble("latency_median_ms")
        && herald.getDouble("latency_p99_ms") <= nchan.getDouble("latency_p99_ms")
        && (!cpuKnown || herald.getDouble("server_cpu_us_per_delivery") <= nchan.getDouble("server_cpu_us_per_delivery"));
    return r.put("deliveries_s_ratio", deliveries == null ? "n/a" : deliveries)
        .put("p50_ratio", p50 == null ? "n/a" : p50)
        .put("p99_ratio", p99 == null ? "n/a" : p99)
        .put("server_cpu_ratio", cpu == null ? "n/a" : cpu)
        .put("delivery_rate_pct_herald", herald.getDouble("delivery_rate_pct"))
        .put("delivery_rate_pct_nchan", nchan.getDouble("delivery_rate_pct"))
        .put("target_met", met);
  }

  /** {@code a / b} to three decimals, or null when {@code b} is 0. */
  static Double ratio(double a, double b) {
    return b == 0 ? null : Math.round(a / b * 1000) / 1000.0;
  }

  private static Result label(Result r, String title) {
    Result labelled = new Result(title);
    r.fields().forEach(e -> labelled.put(e.getKey(), e.getValue()));
    return labelled;
  }

  private void write(JsonObject json) throws IOException {
    Files.writeString(target.json, json.encodePrettily());
  }
}
