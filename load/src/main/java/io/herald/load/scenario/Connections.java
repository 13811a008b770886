package io.herald.load.scenario;

import io.herald.load.LoadTool;
import io.herald.load.engine.ClientProcesses;
import io.herald.load.engine.ConnectionShare;
import io.herald.load.engine.Progress;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.ProcessUsage;
import io.herald.load.engine.Subscribers;
import io.herald.load.peer.NchanPeer;
import io.herald.load.peer.Peer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * N connections opened at a ramp rate, each subscribing: setup times, errors, server heap per connection.
 * Beyond {@value #PER_PROCESS} connections (or with {@code --processes}) they are spread over child JVMs of
 * the tool, each holding its share, whose counts and HdrHistograms the run adds up.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
    description = "Opens N /ws (or --protocol graphql: graphql-transport-ws) connections at R per second, each subscribing; reports connect+subscribe times,"
        + " errors, server heap before/after and per connection, and the connections the server reports.",
    footer = {"", "Unmeasured connections (--warm-up) are opened and closed first at the same rate, so that neither the"
        + " node's nor the client's cold start (JIT compilation) is what gets measured.",
        "", "Every connection is an open file: a process may hold at most its open-files limit (20,000 on"
        + " our machines). Above 10,000 connections the tool spreads them over client processes (--processes),"
        + " each started with its open-files limit raised to the hard limit. The node needs the limit too:"
        + " start it from a shell that ran ulimit -n 20000.",
        "", "Heap per connection is (heap with the connections open - heap before) / connections the server holds; give"
        + " --server-pid to read both after a full GC, else they include uncollected garbage."})
public final class Connections implements Callable<Integer> {

  /** The most connections one client process holds when --processes is left to the tool. */
  static final int PER_PROCESS = 10_000;

  @Mixin
  Target target;

  @Mixin
  Ramp ramp;

  @Option(names = "--processes", description = "Client processes holding the connections: 1 opens them in this one;"
      + " 0 (default) picks 1 up to 10,000 connections, else one child JVM per 10,000.")
  int processes;

  @Option(names = "--source-addresses", split = ",", paramLabel = "127.0.0.x",
      description = "Loopback addresses the client processes' connections leave from, one per process round-robin"
          + " (each has its own ephemeral ports); default: the system's choice.")
  List<String> sourceAddresses = List.of();

  @Option(names = "--peer-url", description = "Nchan's base URL (load/peers/nchan/run-nchan.sh start PORT): the same"
      + " connections are then opened against it too, after Herald, and reported beside (nchan_*).")
  URI nchanUrl;

  @Option(names = "--peer-pid", split = ",", paramLabel = "PID", description = "Process ids of Nchan's nginx (master"
      + " and workers): its CPU time and resident memory (VmRSS) are then read from /proc before and after.")
  List<Long> nchanPids = List.of();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    for (String address : sourceAddresses) {
      if (!InetAddress.getByName(address).isLoopbackAddress()) {
        throw new ParameterException(spec.commandLine(), "--source-addresses: " + address + " is not a loopback address");
      }
    }
    int n = clientProcesses();
    return target.run(vertx -> n <= 1 ? inThisProcess(vertx) : inChildren(vertx, n));
  }

  /** The client processes this run uses. */
  int clientProcesses() {
    return processes > 0 ? processes : (ramp.connections + PER_PROCESS - 1) / PER_PROCESS;
  }

  private Result inThisProcess(Vertx vertx) throws Exception {
    ServerMetrics server = target.metrics(vertx);
    ramp.warmUp(vertx, target, server);
    ServerMetrics.Snapshot before = Target.await(server.snapshot(), 120);
    Subscribers subs = ramp.subscribers(vertx, target, Target.channel("connections"),
        sourceAddresses.isEmpty() ? null : sourceAddresses.get(0));
    ProcessUsage.Snapshot cpuBefore = target.serverPids.isEmpty() ? null : ProcessUsage.of(target.serverPids);
    ramp.open(subs);
    ProcessUsage.Snapshot cpuAfter = cpuBefore == null ? null : ProcessUsage.of(target.serverPids);
    ServerMetrics.Snapshot after = Target.await(server.snapshot(), 120);
    Result result = memory(ramp.figures(new Result("connections"), subs).put("client_processes", 1)
        .put("client_disconnects", subs.disconnects()).put("client_disconnect_codes", subs.disconnectCodes())
        .latency("connect_", subs.setupTimes().summary()), server, before, after)
        .latency("handshake_", subs.handshakeTimes().summary());
    ProcessUsage.report(result, "server_", cpuBefore, cpuAfter, subs.confirmed(), "connection");
    Target.await(subs.close(), 60);
    return nchanUrl == null ? result : nchan(vertx, result);
  }

  /**
   * The same ramp against Nchan, after Herald's connections are closed: warm-up, then the measured connections,
   * reported as nchan_* (connect time is the handshake: Nchan subscribes by URL and confirms nothing).
   */
  private Result nchan(Vertx vertx, Result result) throws Exception {
    Peer nchan = new NchanPeer();
    Subscribers warm = ramp.subscribers(vertx, nchanUrl, nchan, Target.channel("warm-up"));
    Target.await(ramp.warmUp(warm), ramp.warmUpSeconds());
    ProcessUsage.Snapshot before = nchanPids.isEmpty() ? null : ProcessUsage.of(nchanPids);
    Subscribers subs = ramp.subscribers(vertx, nchanUrl, nchan, Target.channel("connections"));
    ramp.open(subs);
    ProcessUsage.Snapshot after = nchanPids.isEmpty() ? null : ProcessUsage.of(nchanPids);
    long connected = subs.handshaken();
    result.put("nchan_connected", connected).put("nchan_errors", subs.errors())
        .latency("nchan_handshake_", subs.handshakeTimes().summary());
    if (before != null) {
      result.put("nchan_rss_per_connection_bytes", (after.rssBytes() - before.rssBytes()) / Math.max(1, connected));
    }
    ProcessUsage.report(result, "nchan_", before, after, connected, "connection");
    Target.await(subs.close(), 60);
    return result;
  }

  /** CPU time the server spent while the connections opened: in all, per connection, and as a share of one core. */
  /** The connections spread over {@code n} child JVMs, started together on GO, held until the heap is read. */
  private Result inChildren(Vertx vertx, int n) throws Exception {
    ServerMetrics server = target.metrics(vertx);
    ramp.warmUp(vertx, target, server);
    long baseline = Target.await(server.activeConnections(), 30);
    String channel = Target.channel("connections");
    int[] shares = ConnectionShare.split(ramp.connections, n);
    int[] rates = ConnectionShare.split(ramp.perSecond(), n);
    List<List<String>> args = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      args.add(childArguments(i, shares[i], Math.max(1, rates[i]), ramp.ownChannels ? channel + "-p" + i : channel));
    }
    Progress.line("connections: starting %d client processes (%d connections each at most)", n, shares[0]);
    try (ClientProcesses children = ClientProcesses.start(LoadTool.class.getName(), args)) {
      children.awaitAll(ClientProcesses.READY, 180_000);
      // The children's warm-up connections are closed; the server must have let go of them too.
      Target.await(server.awaitConnectionsAtMost(vertx, baseline, 10_000), 40);
      ServerMetrics.Snapshot before = Target.await(server.snapshot(), 120);
      Progress.line("connections: %d client processes ready; opening %d connections at %d/s", n, ramp.connections,
          ramp.perSecond());
      ProcessUsage.Snapshot cpuBefore = target.serverPids.isEmpty() ? null : ProcessUsage.of(target.serverPids);
      children.tellAll(ClientProcesses.GO);
      List<ConnectionShare> results = new ArrayList<>();
      for (String json : children.awaitResults((ramp.connections / Math.max(1, ramp.perSecond())
          + Subscribers.SETUP_TIMEOUT_MS / 1000 + 60) * 1000)) {
        results.add(ConnectionShare.fromJson(new JsonObject(json)));
      }
      ProcessUsage.Snapshot cpuAfter = cpuBefore == null ? null : ProcessUsage.of(target.serverPids);
      ServerMetrics.Snapshot after = Target.await(server.snapshot(), 120);
      ConnectionShare all = ConnectionShare.merge(results);
      JsonArray perProcess = new JsonArray();
      results.forEach(r -> perProcess.add(r.summary()));
      Result result = ramp.figures(new Result("connections"), all.subscribed(), all.errorEvents())
          .put("client_processes", n).put("source_addresses", String.join(",", sourceAddresses))
          .put("client_disconnects", all.disconnects()).put("client_disconnect_codes", all.disconnectCodes())
          .latency("connect_", all.setupTimes().summary());
      ProcessUsage.report(result, "server_", cpuBefore, cpuAfter, all.subscribed(), "connection");
      return memory(result, server, before, after).put("per_process", perProcess);
    }
  }

  private List<String> childArguments(int index, int connections, int perSecond, String channel) {
    List<String> a = new ArrayList<>(List.of("connections-client", "--process", String.valueOf(index),
        "--channel", channel, "--connections", String.valueOf(connections), "--connect-rate", String.valueOf(perSecond),
        "--url", String.join(",", target.urls.stream().map(Object::toString).toList()),
        "--event-loops", String.valueOf(target.eventLoops)));
    if (ramp.ownChannels) {
      a.add("--own-channels");
    }
    a.addAll(List.of("--protocol", ramp.protocol.label()));
    if (ramp.warmUp != null) {
      a.addAll(List.of("--warm-up", String.valueOf(ramp.warmUp)));
    }
    if (!sourceAddresses.isEmpty()) {
      a.addAll(List.of("--source-address", sourceAddresses.get(index % sourceAddresses.size())));
    }
    return a;
  }

  /** Heap before/after, per connection, and the server's connection counts. */
  private Result memory(Result result, ServerMetrics server, ServerMetrics.Snapshot before,
                        ServerMetrics.Snapshot after) {
    // Per connection the server holds: those that failed or were closed hold (almost) nothing.
    long held = after.connections() - before.connections();
    long perConnection = (after.heapBytes() - before.heapBytes()) / Math.max(1, held);
    return result.memory(before.heapBytes(), after.heapBytes(), server)
        .put("heap_per_connection_bytes", perConnection)
        .put("server_connections_before", before.connections())
        .put("server_connections_active", after.connections())
        .put("held", held);
  }
}
