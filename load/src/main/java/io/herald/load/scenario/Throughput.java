package io.herald.load.scenario;

import io.herald.load.engine.FanoutRun;
import io.herald.load.engine.Publisher;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** S subscribers, constant publish rate R for D seconds: throughput, delivery, latency, server memory. */
@Command(name = "throughput", mixinStandardHelpOptions = true,
    description = "S subscribers on one channel, publishing at a constant rate: delivery and latency.")
public final class Throughput implements Callable<Integer> {

  @Mixin
  Target target;

  @Option(names = "--subscribers", description = "Subscribers (default ${DEFAULT-VALUE}).")
  int subscribers = 100;

  @Option(names = "--rate", description = "Messages per second (default ${DEFAULT-VALUE}).")
  double rate = 100;

  @Option(names = "--duration", description = "Seconds of publishing (default ${DEFAULT-VALUE}).")
  double duration = 30;

  @Option(names = "--protocol", description = "ws or graphql (default ${DEFAULT-VALUE}).")
  Subscribers.Protocol protocol = Subscribers.Protocol.WS;

  @Option(names = "--connect-rate", description = "New subscribers per second while opening (default ${DEFAULT-VALUE}).")
  int connectRate = 2_000;

  @Option(names = "--drain-ms", description = "How long to wait for the last deliveries (default ${DEFAULT-VALUE}).")
  long drainMs = 5_000;

  @Option(names = "--publish-connections", description = "HTTP keep-alive connections of the publisher (default ${DEFAULT-VALUE}).")
  int publishConnections = 8;

  @Override
  public Integer call() throws Exception {
    return target.report(run(target, "throughput", subscribers, rate, Math.round(rate * duration)));
  }

  /** Shared with the GraphQL scenarios, which are this one with GraphQL subscribers. */
  Result run(Target target, String name, int subscriberCount, double messageRate, long count) throws Exception {
    Vertx vertx = target.vertx();
    String channel = Target.channel(name);
    Subscribers subs = new Subscribers(vertx, target.urls, protocol, channel);
    Publisher publisher = new Publisher(vertx, target.publishNode(), channel, publishConnections);
    ServerMetrics server = new ServerMetrics(vertx, target.publishNode());
    try {
      long heapBefore = Target.await(server.heapUsedBytes(), 30);
      Target.await(subs.open(subscriberCount, connectRate), 120);
      FanoutRun.Figures f = Target.await(FanoutRun.run(vertx, subs, publisher, messageRate, count, drainMs),
          (long) (count / messageRate) + drainMs / 1000 + 120);
      long heapAfter = Target.await(server.heapUsedBytes(), 30);
      return new Result(name).figures(f).put("protocol", protocol.name().toLowerCase())
          .put("target_rate_msg_s", messageRate).memory(heapBefore, heapAfter)
          .put("connection_errors", subs.errors());
    } finally {
      subs.close();
      publisher.close();
      server.close();
      vertx.close();
    }
  }
}
