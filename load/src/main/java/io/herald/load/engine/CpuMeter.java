package io.herald.load.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The CPU this tool (its own process and the client processes holding its subscribers) and the server used over
 * one measured stretch, per delivery: a figure then says which side was busy. Read through {@link ProcessUsage}.
 */
public final class CpuMeter {

  private final List<Long> client;
  private final List<Long> server;
  private final ProcessUsage.Snapshot clientBefore;
  private final ProcessUsage.Snapshot serverBefore;

  private CpuMeter(List<Long> client, List<Long> server) {
    this.client = client;
    this.server = server;
    this.clientBefore = ProcessUsage.of(client);
    this.serverBefore = server.isEmpty() ? null : ProcessUsage.of(server);
  }

  /** Starts measuring this process, {@code audience}'s processes and {@code serverPids} (none: no server figures). */
  public static CpuMeter start(Audience audience, List<Long> serverPids) {
    List<Long> client = new ArrayList<>(List.of(ProcessHandle.current().pid()));
    client.addAll(audience.pids());
    return new CpuMeter(client, serverPids);
  }

  /**
   * The stretch so far into {@code result}: {@code client_cpu_ms}, {@code client_cpu_pct_of_core},
   * {@code client_cpu_us_per_delivery}, after the same as {@code server_*} when the server's processes were given.
   */
  public Result report(Result result, long deliveries) {
    ProcessUsage.Snapshot serverAfter = serverBefore == null ? null : ProcessUsage.of(server);
    ProcessUsage.Snapshot clientAfter = ProcessUsage.of(client);
    ProcessUsage.report(result, "server_", serverBefore, serverAfter, deliveries, "delivery");
    return ProcessUsage.report(result, "client_", clientBefore, clientAfter, deliveries, "delivery");
  }
}
