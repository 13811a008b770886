package io.herald.load.scenario;

import io.herald.load.engine.Audience;
import io.herald.load.engine.CpuMeter;
import io.herald.load.engine.FanoutRun;
import io.herald.load.engine.Poll;
import io.herald.load.engine.Publisher;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** B bursts of K messages, each as fast as the publisher's connections allow, G ms apart, to S subscribers. */
@Command(name = "burst", mixinStandardHelpOptions = true,
    description = "B bursts of K messages published as fast as the publisher's connections allow, G ms apart:"
        + " per burst the publish rate achieved, delivery and latency; then the totals, with the CPU of this tool"
        + " (client_cpu_*) and, with --server-pid or --peer-pid, of the server per delivery.")
public final class Burst implements Callable<Integer> {

  @Mixin
  Target target;

  @Option(names = "--bursts", description = "Bursts (default ${DEFAULT-VALUE}).")
  int bursts = 5;

  @Option(names = "--messages", description = "Messages per burst (default ${DEFAULT-VALUE}).")
  int messages = 1_000;

  @Option(names = "--gap-ms", description = "Pause between the end of one burst and the next (default ${DEFAULT-VALUE}).")
  long gapMs = 1_000;

  @Mixin
  SubscriberCount subscribers = new SubscriberCount(100);

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
    BrokerUnderTest broker = peer.broker(target, Subscribers.Protocol.WS, spec);
    return target.report(run(target, broker, bursts));
  }

  /** {@code count} bursts to {@code broker}'s subscribers on a Vert.x instance of its own. */
  Result run(Target target, BrokerUnderTest broker, int count) throws Exception {
    Vertx vertx = target.vertx();
    String channel = broker.channel("burst");
    Publisher publisher = broker.publisher(vertx, channel, options);
    ServerMetrics server = broker.herald() ? new ServerMetrics(vertx, target.urls, target.serverPids) : null;
    Audience audience = null;
    try {
      long heapBefore = server == null ? 0 : Target.await(server.heapUsedBytes(), 30);
      audience = clients.open(vertx, target, broker, channel, publisher, subscribers.count, options);
      Target.await(FanoutRun.mark(vertx, audience, publisher), 60);
      CpuMeter cpu = CpuMeter.start(audience, broker.pids());
      JsonArray perBurst = new JsonArray();
      FanoutRun.Figures total = null;
      for (int b = 1; b <= count; b++) {
        if (b > 1) {
          Target.await(Poll.delay(vertx, gapMs), gapMs / 1000 + 10);
        }
        FanoutRun.Figures f = Target.await(FanoutRun.measure(vertx, audience, publisher,
            FanoutRun.nextKey(audience, publisher), messages, () -> publisher.burst(messages), options.drainMs()),
            options.drainMs() / 1000 + 120);
        perBurst.add(burst(b, f));
        total = total == null ? f : total.plus(f);
      }
      Result result = new Result("burst").put("bursts", count).put("messages_per_burst", messages).put("gap_ms", gapMs)
          .put("publish_batch", publisher.batch()).put("per_burst", perBurst);
      if (total != null) {
        result.put("publish_rate_msg_s", Result.round(total.publishRate())).figures(total);
        cpu.report(result, total.delivered());
      }
      if (server != null) {
        result.memory(heapBefore, Target.await(server.heapUsedBytes(), 30), server);
      } else {
        result.put("peer", broker.kind().label());
      }
      return result.put("connection_errors", audience.errors());
    } finally {
      if (audience != null) {
        Target.await(audience.close(), 60);
      }
      publisher.close();
      if (server != null) {
        server.close();
      }
      Target.await(vertx.close(), 30);
    }
  }

  private static JsonObject burst(int index, FanoutRun.Figures f) {
    return new JsonObject().put("burst", index).put("published", f.published())
        .put("publish_rate_msg_s", Result.round(f.publishRate()))
        .put("delivered", f.delivered()).put("expected", f.expected())
        .put("delivery_rate_pct", Result.pct(f.deliveryRatePct()))
        .put("missing", f.missing()).put("duplicated", f.duplicated()).put("out_of_order", f.outOfOrder())
        .put("latency_median_ms", f.latency().median()).put("latency_p95_ms", f.latency().p95())
        .put("latency_p99_ms", f.latency().p99()).put("latency_max_ms", f.latency().max());
  }
}
