package io.herald.load.scenario;

import io.herald.load.engine.FanoutRun;
import io.herald.load.engine.Publisher;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import io.herald.load.peer.NchanPeer;
import io.herald.load.peer.NchanStatus;
import io.herald.load.peer.Peer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;

/** S subscribers, constant publish rate R for D seconds: throughput, delivery, latency, server memory. */
@Command(name = "throughput", mixinStandardHelpOptions = true,
    description = "S subscribers on one channel, publishing at a constant rate: delivery and latency.")
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

  @Option(names = "--peer", converter = PeerKindConverter.class, paramLabel = "herald|nchan",
      description = "Broker to measure: herald (the --url nodes, default) or nchan (--peer-url; WebSocket subscribers).")
  Peer.Kind peer = Peer.Kind.HERALD;

  @Option(names = "--peer-url", description = "Base URL of the peer when --peer is not herald, e.g. http://127.0.0.1:8081 "
      + "for load/peers/nchan/run-nchan.sh start 8081; it takes both the publisher and the subscribers.")
  URI peerUrl;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (peer != Peer.Kind.HERALD) {
      if (peerUrl == null) {
        throw new ParameterException(spec.commandLine(), "--peer " + peer.label() + " needs --peer-url");
      }
      if (protocol.value != Subscribers.Protocol.WS) {
        throw new ParameterException(spec.commandLine(), "--protocol " + protocol.label()
            + " is Herald's only; --peer " + peer.label() + " subscribes over its own WebSocket");
      }
    }
    return target.report(run(target, "throughput", subscribers.count, publishing.rate, publishing.messages()));
  }

  /** A throughput run with GraphQL subscribers, as the GraphQL scenarios make it. */
  static Throughput graphql(RunOptions options) {
    Throughput t = new Throughput();
    t.options = options;
    t.protocol.value = Subscribers.Protocol.GRAPHQL;
    return t;
  }

  /** Shared with the GraphQL scenarios, which are this one with GraphQL subscribers. */
  Result run(Target target, String name, int subscriberCount, double messageRate, long count) throws Exception {
    return peer == Peer.Kind.HERALD
        ? runHerald(target, name, subscriberCount, messageRate, count)
        : runNchan(target, name, subscriberCount, messageRate, count);
  }

  private Result runHerald(Target target, String name, int subscriberCount, double messageRate, long count)
      throws Exception {
    Vertx vertx = target.vertx();
    String channel = Target.channel(name);
    Publisher publisher = new Publisher(vertx, target.publishNode(), channel, options.publishConnections);
    ServerMetrics server = new ServerMetrics(vertx, List.of(target.publishNode()), target.serverPids);
    Subscribers subs = null;
    try {
      long heapBefore = Target.await(server.heapUsedBytes(), 30);
      subs = Target.await(Subscribers.herald(vertx, target.urls, protocol.value, channel, publisher), 60);
      FanoutRun.Figures f = measure(vertx, subs, publisher, subscriberCount, messageRate, count);
      long heapAfter = Target.await(server.heapUsedBytes(), 30);
      return new Result(name).figures(f).put("protocol", protocol.label())
          .put("target_rate_msg_s", messageRate).memory(heapBefore, heapAfter, server)
          .put("connection_errors", subs.errors()).latency("setup_", subs.setupTimes().summary());
    } finally {
      if (subs != null) {
        subs.close();
      }
      publisher.close();
      server.close();
      vertx.close();
    }
  }

  /** The same run against Nchan at --peer-url; its memory figure is Nchan's shared memory, not a heap. */
  private Result runNchan(Target target, String name, int subscriberCount, double messageRate, long count)
      throws Exception {
    Vertx vertx = target.vertx();
    String channel = "load-" + name + "-" + System.currentTimeMillis();
    Peer nchan = new NchanPeer();
    Subscribers subs = new Subscribers(vertx, List.of(peerUrl), nchan, channel);
    Publisher publisher = new Publisher(vertx, nchan, peerUrl, channel, options.publishConnections);
    HttpClient status = vertx.createHttpClient();
    try {
      long shmBefore = Target.await(NchanStatus.sharedMemoryUsedBytes(status, peerUrl), 30);
      FanoutRun.Figures f = measure(vertx, subs, publisher, subscriberCount, messageRate, count);
      long shmAfter = Target.await(NchanStatus.sharedMemoryUsedBytes(status, peerUrl), 30);
      return new Result(name).figures(f).put("peer", nchan.kind().label()).put("protocol", "websocket")
          .put("target_rate_msg_s", messageRate)
          .put("nchan_shm_initial_mb", mb(shmBefore)).put("nchan_shm_final_mb", mb(shmAfter))
          .put("connection_errors", subs.errors());
    } finally {
      subs.close();
      publisher.close();
      status.close();
      vertx.close();
    }
  }

  private FanoutRun.Figures measure(Vertx vertx, Subscribers subs, Publisher publisher, int subscriberCount,
                                    double messageRate, long count) throws Exception {
    Target.await(subs.open(subscriberCount, options.connectRate()), options.openSeconds(subscriberCount));
    return Target.await(FanoutRun.run(vertx, subs, publisher, messageRate, count, options.drainMs()),
        options.runSeconds(count, messageRate));
  }

  private static Object mb(long bytes) {
    return bytes < 0 ? "n/a" : Result.round(bytes / 1048576.0);
  }

  /** {@code --peer herald|nchan}, in lower case as the help shows it. */
  static final class PeerKindConverter implements ITypeConverter<Peer.Kind> {
    @Override
    public Peer.Kind convert(String value) {
      return Peer.Kind.parse(value);
    }
  }

}
