package io.herald.load.scenario;

import io.herald.load.engine.Audience;
import io.herald.load.engine.FanoutRun;
import io.herald.load.engine.LocalAudience;
import io.herald.load.engine.Progress;
import io.herald.load.engine.Publisher;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerHistogram;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The cross-node leg alone: one subscriber on one node (the first {@code --url}), a publisher on another
 * ({@code --publish-url}) at a modest rate, on a channel whose sequencer is on the node each {@code --owners} URL
 * names (the publisher's, the subscriber's, a third one), one measured case per owner after an unreported warm-up of
 * every case.
 * Latency is from the moment a publish is handed to the HTTP client to its arrival at the subscriber; beside it the
 * subscriber's node's own {@code herald_publish_to_delivery_seconds} over the same stretch (from the publishing node's
 * acceptance to the write to the subscriber: the server's part alone), and its {@code herald_delivery_latency_seconds}
 * (from the owner's sequencing: the append with its backup and the way to the subscriber's node; it also counts the
 * node's delivery canary, one message every few seconds).
 */
@Command(name = "hop", mixinStandardHelpOptions = true,
    description = {"Publish on one node (--publish-url), one subscriber on another (--url): the cross-node leg's"
        + " latency, once per channel owner (--owners: the nodes whose sequencer owns the measured channel), with the"
        + " subscriber's node's herald_publish_to_delivery_seconds over the same messages.",
        "Latency runs from the moment each publish is sent (not the 1 ms tick it was due in; publish_lag_max_ms"
            + " says how far the publisher fell behind its schedule)."})
public final class Hop implements Callable<Integer> {

  /** On the subscriber's node: from the publishing node's acceptance to the write to its subscribers. */
  static final String PUBLISH_TO_DELIVERY = "herald_publish_to_delivery_seconds";
  /**
   * On the subscriber's node: from the start of the owner's append (the message's sequencing time) to the write, so
   * the difference to {@link #PUBLISH_TO_DELIVERY} is the way from the publishing node to the owner's sequencer.
   */
  static final String SEQUENCED_TO_DELIVERY = "herald_delivery_latency_seconds";

  @Mixin
  Target target;

  @Option(names = "--owners", split = ",", paramLabel = "URL", description = "Nodes whose sequencer owns the channel,"
      + " one measured case each, in this order (default: the publishing node, then the subscriber's).")
  List<URI> owners = List.of();

  @Mixin
  Publishing publishing = new Publishing();

  @Option(names = "--warmup", description = "Seconds of unreported publishing to each case's channel at --warmup-rate,"
      + " every case before the first is measured, so that no JVM's JIT is measured cold (default ${DEFAULT-VALUE};"
      + " 0: none).")
  double warmup = 10;

  @Option(names = "--warmup-rate", description = "Messages per second of the warm-up: enough for the JIT to compile the"
      + " path (a few thousand calls of each method), which --rate alone takes minutes to reach (default"
      + " ${DEFAULT-VALUE}).")
  double warmupRate = 1_000;

  @Mixin
  RunOptions options = new RunOptions();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    URI subscriberNode = target.urls.get(0);
    URI publishNode = target.publishNode();
    List<URI> owned = owners.isEmpty() ? List.of(publishNode, subscriberNode).stream().distinct().toList() : owners;
    String hop = publishNode.equals(subscriberNode) ? "local" : "remote";
    Vertx vertx = target.vertx();
    HttpClient http = vertx.createHttpClient();
    ServerMetrics server = new ServerMetrics(vertx, List.of(subscriberNode));
    List<Case> cases = new ArrayList<>();
    JsonArray results = new JsonArray();
    try {
      JsonArray nodes = Target.await(getJson(http, publishNode, "/api/info"), 30).getJsonArray("nodes");
      for (URI owner : owned) {
        String ownerId = nodeId(nodes, owner);
        String role = owner.equals(publishNode) ? "publisher's node" : owner.equals(subscriberNode)
            ? "subscriber's node" : "third node";
        String channel = channelOwnedBy(http, publishNode, ownerId);
        Progress.line("hop: channel %s, owned by %s (%s, %s)", channel, ownerId, owner, role);
        Case c = new Case(new Result("hop (owner: " + role + ")").put("owner", role).put("owner_url", owner.toString())
            .put("owner_node", ownerId).put("channel", channel), vertx, publishNode, subscriberNode, channel);
        cases.add(c);
        Target.await(c.subscribers.open(1, options.connectRate()), options.openSeconds(1));
      }
      // Every case's path is warmed up before any is measured: the members' JIT compiles what all of them share.
      long warmupMessages = Math.round(warmupRate * warmup);
      for (Case c : cases) {
        if (warmupMessages > 0) {
          Target.await(FanoutRun.run(vertx, c.audience, c.publisher, warmupRate, warmupMessages, options.drainMs()),
              options.runSeconds(warmupMessages, warmupRate));
        }
      }
      for (Case c : cases) {
        measure(vertx, server, c, hop);
        System.out.print(c.result.toText());
        results.add(c.result.fields().copy());
      }
    } finally {
      for (Case c : cases) {
        Target.await(c.audience.close(), 60);
        c.publisher.close();
      }
      server.close();
      http.close();
      Target.await(vertx.close(), 30);
    }
    if (target.json != null) {
      Files.writeString(target.json, new JsonObject().put("scenario", "hop").put("results", new JsonObject()
          .put("publish_url", publishNode.toString()).put("subscriber_url", subscriberNode.toString())
          .put("rate_msg_s", publishing.rate).put("duration_s", publishing.duration).put("warmup_s", warmup)
          .put("warmup_rate_msg_s", warmupRate)
          .put("cases", results)).encodePrettily());
    }
    return 0;
  }

  /** One owner's case: its channel's publisher and subscriber, and where its figures go. */
  private final class Case {
    final Result result;
    final Publisher publisher;
    final Subscribers subscribers;
    final Audience audience;

    Case(Result result, Vertx vertx, URI publishNode, URI subscriberNode, String channel) {
      this.result = result;
      this.publisher = new Publisher(vertx, publishNode, channel, options.publishConnections).stampingSendTime();
      this.subscribers = new Subscribers(vertx, List.of(subscriberNode), Subscribers.Protocol.WS, channel);
      this.audience = new LocalAudience(vertx, subscribers);
    }
  }

  /** The measured stretch of case {@code c}, with the server's histograms of {@code hop} read around it. */
  private void measure(Vertx vertx, ServerMetrics server, Case c, String hop) throws Exception {
    String label = "hop=\"" + hop + "\"";
    ServerHistogram hopBefore = Target.await(server.histogram(PUBLISH_TO_DELIVERY, label), 30);
    ServerHistogram sequencedBefore = Target.await(server.histogram(SEQUENCED_TO_DELIVERY, ""), 30);
    long count = publishing.messages();
    FanoutRun.Figures f = Target.await(FanoutRun.run(vertx, c.audience, c.publisher, publishing.rate, count,
        options.drainMs()), options.runSeconds(count, publishing.rate));
    ServerHistogram hopDuring = Target.await(server.histogram(PUBLISH_TO_DELIVERY, label), 30).since(hopBefore);
    ServerHistogram sequencedDuring = Target.await(server.histogram(SEQUENCED_TO_DELIVERY, ""), 30)
        .since(sequencedBefore);
    c.result.figures(f).put("publish_lag_max_ms", Result.round(c.publisher.maxLagMicros() / 1000.0))
        .put("server_hop", hop).put("server_count", hopDuring.count());
    quantiles(c.result, "server_", hopDuring);
    quantiles(c.result, "server_sequenced_", sequencedDuring);
  }

  /** {@code prefix}p50_ms, p95, p99 and max of {@code h}: the bounds of the buckets they fall in. */
  private static void quantiles(Result result, String prefix, ServerHistogram h) {
    result.put(prefix + "p50_ms", bound(h.quantileMs(0.5))).put(prefix + "p95_ms", bound(h.quantileMs(0.95)))
        .put(prefix + "p99_ms", bound(h.quantileMs(0.99))).put(prefix + "max_ms", bound(h.quantileMs(1)));
  }

  /** A bucket bound for the report: rounded to a microsecond, or what it is when not a finite number. */
  private static Object bound(double ms) {
    return Double.isFinite(ms) ? Math.round(ms * 1000) / 1000.0 : String.valueOf(ms);
  }

  /**
   * The id of the node {@code url} names, among {@code /api/info}'s: the one whose address has its port (and its
   * host, unless the node listens on every address).
   */
  private String nodeId(JsonArray nodes, URI url) {
    List<String> ids = new ArrayList<>();
    for (Object n : nodes) {
      JsonObject node = (JsonObject) n;
      String address = node.getString("address", "");
      int colon = address.lastIndexOf(':');
      String host = address.substring(0, Math.max(0, colon));
      boolean samePort = address.substring(colon + 1).equals(String.valueOf(url.getPort()));
      if (samePort && (host.equals(url.getHost()) || host.equals("0.0.0.0") || host.equals("::"))) {
        ids.add(node.getString("id"));
      }
    }
    if (ids.size() != 1) {
      throw new ParameterException(spec.commandLine(), "--owners: " + url + " is not one node of the cluster's "
          + "/api/info (" + nodes.encode() + ")");
    }
    return ids.get(0);
  }

  /** A channel of this run's own whose sequencer is on node {@code ownerId}, as the publishing node routes it. */
  private String channelOwnedBy(HttpClient http, URI publishNode, String ownerId) throws Exception {
    String base = Target.channel("hop");
    for (int i = 0; i < 1_000; i++) {
      String channel = base + ":" + i;
      JsonObject info = Target.await(getJson(http, publishNode, "/api/channels/" + channel), 30);
      if (ownerId.equals(info.getString("owner"))) {
        return channel;
      }
    }
    throw new IllegalStateException("no channel owned by node " + ownerId + " among 1,000 names");
  }

  private static Future<JsonObject> getJson(HttpClient http, URI node, String path) {
    return http.request(HttpMethod.GET, node.getPort(), node.getHost(), path)
        .compose(req -> req.send().compose(resp -> resp.body().map(body -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException("GET " + node + path + ": " + resp.statusCode() + " " + body);
          }
          return body.toJsonObject();
        })));
  }
}
