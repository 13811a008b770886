package io.herald.load.scenario;

import io.herald.load.engine.Audience;
import io.herald.load.engine.CpuMeter;
import io.herald.load.engine.FanoutRun;
import io.herald.load.engine.Publisher;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import io.herald.load.peer.NchanStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** S subscribers, constant publish rate R for D seconds: throughput, delivery, latency, server memory. */
@Command(name = "throughput", mixinStandardHelpOptions = true,
    description = "S subscribers on one channel, publishing at a constant rate: delivery and latency, and the CPU of"
        + " this tool (client_cpu_*) and, with --server-pid or --peer-pid, of the server per delivery.")
public final class Throughput implements Callable<Integer> {

  @Mixin
  Target target;

  @Mixin
  SubscriberCount subscribers = new SubscriberCount(100);

  @Mixin
  Publishing publishing = new Publishing();

  @Mixin
  ProtocolOption protocol = new ProtocolOption();

  @Mixin
  RunOptions options = new RunOptions();

  @Mixin
  PeerOptions peer = new PeerOptions();

  @Mixin
  SubscriberProcesses clients = new SubscriberProcesses();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    BrokerUnderTest broker = peer.broker(target, protocol.value, spec);
    return target.report(run(target, broker, "throughput", subscribers.count, publishing.rate, publishing.messages()));
  }

  /** A throughput run with GraphQL subscribers, as the GraphQL scenarios make it. */
  static Throughput graphql(RunOptions options, SubscriberProcesses clients) {
    Throughput t = new Throughput();
    t.options = options;
    t.clients = clients;
    t.protocol.value = Subscribers.Protocol.GRAPHQL;
    return t;
  }

  /** Against Herald's nodes, with this run's protocol: shared with the GraphQL scenarios. */
  Result run(Target target, String name, int subscriberCount, double messageRate, long count) throws Exception {
    return run(target, BrokerUnderTest.herald(target, protocol.value), name, subscriberCount, messageRate, count);
  }

  /**
   * {@code count} messages at {@code messageRate} to {@code subscriberCount} subscribers of {@code broker}: the
   * figures, the CPU of both sides over the measured stretch, and the server's memory (Herald's heap, or Nchan's
   * shared memory) before and after.
   */
  Result run(Target target, BrokerUnderTest broker, String name, int subscriberCount, double messageRate, long count)
      throws Exception {
    Vertx vertx = target.vertx();
    String channel = broker.channel(name);
    Publisher publisher = broker.publisher(vertx, channel, options);
    ServerMetrics server = broker.herald() ? new ServerMetrics(vertx, List.of(broker.publishUrl()), target.serverPids)
        : null;
    HttpClient status = vertx.createHttpClient();
    Audience audience = null;
    try {
      long memoryBefore = Target.await(memoryBytes(broker, server, status), 30);
      audience = clients.open(vertx, target, broker, channel, publisher, subscriberCount, options);
      CpuMeter cpu = CpuMeter.start(audience, broker.pids());
      FanoutRun.Figures f = Target.await(FanoutRun.run(vertx, audience, publisher, messageRate, count,
          options.drainMs()), options.runSeconds(count, messageRate));
      Result result = new Result(name).figures(f).put("publish_batch", publisher.batch());
      cpu.report(result, f.delivered());
      long memoryAfter = Target.await(memoryBytes(broker, server, status), 30);
      if (broker.herald()) {
        return result.put("protocol", protocol.label()).put("target_rate_msg_s", messageRate)
            .memory(memoryBefore, memoryAfter, server)
            .put("connection_errors", audience.errors()).latency("setup_", audience.setupTimes().summary());
      }
      return result.put("peer", broker.kind().label()).put("protocol", "websocket")
          .put("target_rate_msg_s", messageRate)
          .put("nchan_shm_initial_mb", mb(memoryBefore)).put("nchan_shm_final_mb", mb(memoryAfter))
          .put("connection_errors", audience.errors());
    } finally {
      if (audience != null) {
        Target.await(audience.close(), 60);
      }
      publisher.close();
      status.close();
      if (server != null) {
        server.close();
      }
      Target.await(vertx.close(), 30);
    }
  }

  /** Herald's heap (after a GC with --server-pid), or Nchan's shared memory in use (-1 when it does not say). */
  private static Future<Long> memoryBytes(BrokerUnderTest broker, ServerMetrics server, HttpClient status) {
    return broker.herald() ? server.heapUsedBytes() : NchanStatus.sharedMemoryUsedBytes(status, broker.publishUrl());
  }

  private static Object mb(long bytes) {
    return bytes < 0 ? "n/a" : Result.round(bytes / 1048576.0);
  }
}
