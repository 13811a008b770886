package io.herald.load.scenario;

import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** N connections opened at a ramp rate, each subscribing: setup times, errors, server heap per connection. */
@Command(name = "connections", mixinStandardHelpOptions = true,
    description = "Opens N /ws connections at R per second, each subscribing; reports connect+subscribe times,"
        + " errors, server heap before/after and per connection, and the connections the server reports.",
    footer = {"", "One unmeasured connection is opened and closed first, so the client's cold start is not counted.",
        "", "Every connection is an open file: a process may hold at most its open-files limit (20,000 on"
        + " our machines). The tool raises no limit itself; raise it in the shell first: ulimit -n 20000"})
public final class Connections implements Callable<Integer> {

  @Mixin
  Target target;

  @Mixin
  Ramp ramp;

  @Override
  public Integer call() throws Exception {
    return target.run(vertx -> {
      ServerMetrics server = target.metrics(vertx);
      ramp.warmUp(vertx, target, server);
      ServerMetrics.Snapshot before = Target.await(server.snapshot(), 30);
      Subscribers subs = ramp.subscribers(vertx, target, Target.channel("connections"));
      ramp.open(subs);
      ServerMetrics.Snapshot after = Target.await(server.snapshot(), 30);
      long perConnection = (after.heapBytes() - before.heapBytes()) / Math.max(1, ramp.connections);
      return ramp.figures(new Result("connections"), subs)
          .latency("connect_", subs.setupTimes().summary())
          .memory(before.heapBytes(), after.heapBytes(), server)
          .put("heap_per_connection_bytes", perConnection)
          .put("server_connections_before", before.connections())
          .put("server_connections_active", after.connections());
    });
  }
}
