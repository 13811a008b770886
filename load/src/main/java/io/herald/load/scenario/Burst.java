package io.herald.load.scenario;

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
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** B bursts of K messages, each as fast as the publisher's connections allow, G ms apart, to S subscribers. */
@Command(name = "burst", mixinStandardHelpOptions = true,
    description = "B bursts of K messages published as fast as the publisher's connections allow, G ms apart:"
        + " per burst the publish rate achieved, delivery and latency; then the totals.")
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
  RunOptions options;

  @Override
  public Integer call() throws Exception {
    return target.run(this::measure);
  }

  private Result measure(Vertx vertx) throws Exception {
    String channel = Target.channel("burst");
    Subscribers subs = new Subscribers(vertx, target.urls, Subscribers.Protocol.WS, channel);
    Publisher publisher = new Publisher(vertx, target.publishNode(), channel, options.publishConnections);
    ServerMetrics server = target.metrics(vertx);
    long heapBefore = Target.await(server.heapUsedBytes(), 30);
    Target.await(subs.open(subscribers.count, options.connectRate()), options.openSeconds(subscribers.count));
    Target.await(FanoutRun.mark(vertx, subs, publisher), 60);
    JsonArray perBurst = new JsonArray();
    FanoutRun.Figures total = null;
    for (int b = 1; b <= bursts; b++) {
      if (b > 1) {
        Target.await(Poll.delay(vertx, gapMs), gapMs / 1000 + 10);
      }
      FanoutRun.Figures f = Target.await(FanoutRun.measure(vertx, subs, publisher, publisher.lastOffset() + 1,
          messages, () -> publisher.burst(messages), options.drainMs()), options.drainMs() / 1000 + 120);
      perBurst.add(burst(b, f));
      total = total == null ? f : total.plus(f);
    }
    long heapAfter = Target.await(server.heapUsedBytes(), 30);
    Result result = new Result("burst").put("bursts", bursts).put("messages_per_burst", messages).put("gap_ms", gapMs)
        .put("per_burst", perBurst);
    if (total != null) {
      result.put("publish_rate_msg_s", Result.round(total.publishRate())).figures(total);
    }
    return result.memory(heapBefore, heapAfter, server).put("connection_errors", subs.errors());
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
