package io.herald.load.scenario;

import io.herald.load.engine.ProcessUsage;
import io.herald.load.engine.Result;
import io.herald.load.peer.Peer;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code throughput} against Herald and against Nchan with identical parameters, one after the other, each
 * after an unreported warm-up run; prints both blocks and Herald/Nchan ratios.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Runs throughput against Herald (--url) and against Nchan (--peer-url) with the same parameters,"
        + " one after the other, and prints both results and the ratios Herald/Nchan.",
        "Start Nchan with load/peers/nchan/run-nchan.sh start <port>; --skip-nchan runs Herald alone."})
public final class Compare implements Callable<Integer> {

  @Mixin
  Target target;

  @Option(names = "--peer-url", description = "Nchan's base URL, e.g. http://127.0.0.1:8081 (required unless --skip-nchan).")
  URI nchanUrl;

  @Option(names = "--peer-pid", split = ",", paramLabel = "PID", description = "Process ids of Nchan's nginx (master"
      + " and workers): its CPU is then read from /proc over the measured run, as the node's is with --server-pid.")
  List<Long> nchanPids = List.of();

  @Option(names = "--skip-nchan", description = "Measure Herald only (for machines without nginx + libnginx-mod-nchan).")
  boolean skipNchan;

  @Mixin
  SubscriberCount subscribers = new SubscriberCount(100);

  /** Per broker: each is measured for --duration seconds. */
  @Mixin
  Publishing publishing = new Publishing();

  @Option(names = "--warmup", description = "Seconds of an unreported run against each broker first, same subscribers "
      + "and rate, so neither side measures a cold JIT (default ${DEFAULT-VALUE}; 0: none).")
  double warmup = 2;

  @Mixin
  RunOptions options;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!skipNchan && nchanUrl == null) {
      throw new ParameterException(spec.commandLine(), "compare needs --peer-url (Nchan's base URL) or --skip-nchan");
    }
    Result herald = measure(Peer.Kind.HERALD);
    Result nchan = skipNchan ? null : measure(Peer.Kind.NCHAN);
    Result ratios = ratios(herald.fields(), nchan == null ? null : nchan.fields());

    System.out.print(label(herald, "herald").toText());
    if (nchan == null) {
      System.out.println("== throughput (nchan) ==");
      System.out.println("  skipped (--skip-nchan)");
    } else {
      System.out.print(label(nchan, "nchan").toText());
    }
    System.out.print(ratios.toText());
    if (target.json != null) {
      JsonObject json = new JsonObject().put("scenario", "compare")
          .put("parameters", new JsonObject().put("subscribers", subscribers.count).put("rate_msg_s", publishing.rate)
              .put("duration_s", publishing.duration).put("warmup_s", warmup).put("publish_connections", options.publishConnections))
          .put("herald", herald.fields().copy())
          .put("nchan", nchan == null ? null : nchan.fields().copy())
          .put("nchan_skipped", nchan == null)
          .put("ratios", ratios.fields().copy());
      write(json);
    }
    return 0;
  }

  /** An unreported warm-up, then the measured run, against one broker. */
  private Result measure(Peer.Kind kind) throws Exception {
    Throughput t = throughput(kind);
    if (warmup > 0) {
      System.err.println("compare: warming up " + kind.label() + " (" + warmup + " s)");
      t.run(target, "throughput", subscribers.count, publishing.rate, Math.max(1, Math.round(publishing.rate * warmup)));
    }
    System.err.println("compare: measuring " + kind.label() + " (" + publishing.duration + " s)");
    List<Long> serverPids = kind == Peer.Kind.HERALD ? target.serverPids : nchanPids;
    List<Long> client = List.of(ProcessHandle.current().pid());
    ProcessUsage.Snapshot serverBefore = serverPids.isEmpty() ? null : ProcessUsage.of(serverPids);
    ProcessUsage.Snapshot clientBefore = ProcessUsage.of(client);
    Result result;
    try {
      result = t.run(target, "throughput", subscribers.count, publishing.rate, publishing.messages());
    } catch (Exception e) {
      if (kind == Peer.Kind.NCHAN) {
        throw new IllegalStateException("the Nchan run at " + nchanUrl + " failed (is it running? "
            + "load/peers/nchan/run-nchan.sh start <port>; or pass --skip-nchan): " + e, e);
      }
      throw e;
    }
    long delivered = result.fields().getLong("delivered", 0L);
    // Over the run (publishing and the drain after it); this tool's own CPU too: which side was busy.
    ProcessUsage.report(result, "server_", serverBefore, serverBefore == null ? null : ProcessUsage.of(serverPids),
        delivered, "delivery");
    return ProcessUsage.report(result, "client_", clientBefore, ProcessUsage.of(client), delivered, "delivery");
  }

  private Throughput throughput(Peer.Kind kind) {
    Throughput t = new Throughput();
    t.peer = kind;
    t.peerUrl = nchanUrl;
    t.subscribers = subscribers;
    t.publishing = publishing;
    t.options = options;
    return t;
  }

  /**
   * Herald / Nchan: deliveries per second (above 1 favours Herald), median and P99 latency and, when both sides'
   * processes were given, server CPU per delivery (below 1 favours Herald); and whether the target holds: Herald at
   * least 1.0x Nchan's deliveries per second at an equal or better P50 and P99, and no more server CPU per
   * delivery when it was measured. With Nchan skipped, the block says so and has no ratios.
   */
  static Result ratios(JsonObject herald, JsonObject nchan) {
    Result r = new Result("compare (herald / nchan)");
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

  private static Result label(Result r, String peer) {
    Result labelled = new Result("throughput (" + peer + ")");
    r.fields().forEach(e -> labelled.put(e.getKey(), e.getValue()));
    return labelled;
  }

  private void write(JsonObject json) throws IOException {
    Files.writeString(target.json, json.encodePrettily());
  }
}
