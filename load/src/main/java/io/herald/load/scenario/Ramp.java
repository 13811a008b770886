package io.herald.load.scenario;

import io.herald.load.engine.Progress;
import io.herald.load.engine.Publisher;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import io.herald.load.peer.HeraldPeer;
import io.herald.load.peer.Peer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** The connections of the scenarios that open many connections (/ws or graphql-transport-ws): how many, how fast, which channels. */
public final class Ramp {

  @Option(names = "--connections", description = "Connections (default ${DEFAULT-VALUE}).")
  int connections = 100;

  @Mixin
  ConnectRate rate = new ConnectRate();

  @Option(names = "--warm-up", description = "Connections opened, subscribed and closed at the same rate before the"
      + " measured ones, so that neither the node's JIT compiler nor this tool's is what gets measured (default: as many"
      + " as --connections, at most 2,000; 1 for a bare check that the node answers).")
  Integer warmUp;

  @Mixin
  ProtocolOption protocol = new ProtocolOption();

  @Option(names = "--own-channels", description = "Each connection subscribes to a channel of its own (default: one shared channel).")
  boolean ownChannels;

  int perSecond() {
    return rate.perSecond;
  }

  String channels() {
    return ownChannels ? "own" : "shared";
  }

  Subscribers subscribers(Vertx vertx, Target target, String channel) throws Exception {
    return subscribers(vertx, target, channel, null);
  }

  /**
   * The subscribers, their connections leaving from {@code localAddress} (null: the system's choice). GraphQL
   * subscribers are confirmed by a replay, as graphql-transport-ws confirms no subscription: a marker is published
   * to the channel first and each subscription asks for the messages from it on ({@code sinceOffset}).
   */
  Subscribers subscribers(Vertx vertx, Target target, String channel, String localAddress) throws Exception {
    Peer peer = new HeraldPeer(false);
    if (protocol.value == Subscribers.Protocol.GRAPHQL) {
      if (ownChannels) {
        throw new IllegalArgumentException("--protocol graphql confirms subscriptions with a marker on the shared"
            + " channel: leave out --own-channels");
      }
      Publisher publisher = new Publisher(vertx, target.publishNode(), channel, 1);
      try {
        JsonObject marker = Target.await(publisher.publishReply(Publisher.MARKER), 30);
        peer = HeraldPeer.graphqlReplayingAfter(marker.getString("epoch"), marker.getLong("offset") - 1);
      } finally {
        publisher.close();
      }
    }
    return new Subscribers(vertx, target.urls, peer, channel, ownChannels, localAddress);
  }

  /** The subscribers of {@code peer} at {@code url}. */
  Subscribers subscribers(Vertx vertx, URI url, Peer peer, String channel) {
    return new Subscribers(vertx, List.of(url), peer, channel, ownChannels);
  }

  /**
   * Opens the connections and subscribes them; failures are counted by {@code subs}, not thrown. First this JVM
   * collects its own garbage: a young collection inside the ramp (copying the connections it holds) paused this
   * tool 40-110 ms on a 2-core machine and showed as the P99 of whichever broker was being measured (Nchan's
   * handshake P99 went from 14-25 ms to 2-5 ms without it). With the young generation the launcher gives the tool
   * (-Xmn1g), none happens within a ramp.
   */
  void open(Subscribers subs) throws Exception {
    System.gc();
    long seconds = connections / Math.max(1, perSecond()) + Subscribers.SETUP_TIMEOUT_MS / 1000 + 30;
    try {
      Target.await(subs.open(connections, perSecond()).otherwiseEmpty(), seconds);
    } catch (TimeoutException e) {
      Progress.line("connections: not every connection was settled within %d s; the %d unconfirmed count as errors",
          seconds, connections - subs.confirmed());
    }
  }

  /** The --warm-up connections: as many as measured, at most 2,000, unless set. */
  int warmUpConnections() {
    return warmUp != null ? Math.max(1, warmUp) : Math.max(1, Math.min(connections, 2_000));
  }

  /**
   * Opens, subscribes and closes {@link #warmUpConnections} connections at the measured rate, not measured, so the
   * measured ones pay neither for a cold start (class loading, the JIT compilers of the node and of this tool, on
   * the same cores) nor for the first handshake; returns when the server no longer counts them.
   */
  void warmUp(Vertx vertx, Target target, ServerMetrics server) throws Exception {
    long before = Target.await(server.activeConnections(), 30);
    Subscribers warm = subscribers(vertx, target, Target.channel("warm-up"));
    Target.await(warmUp(warm).compose(v -> server.awaitConnectionsAtMost(vertx, before, 30_000)), warmUpSeconds());
  }

  /** Opens {@link #warmUpConnections} of {@code warm} at the measured rate and closes them. */
  Future<Void> warmUp(Subscribers warm) {
    return warm.open(warmUpConnections(), perSecond()).otherwiseEmpty().compose(v -> warm.close());
  }

  long warmUpSeconds() {
    return warmUpConnections() / Math.max(1, perSecond()) + Subscribers.SETUP_TIMEOUT_MS / 1000 + 60;
  }

  /** Those of the connections whose subscription was never confirmed. */
  long failed(Subscribers subs) {
    return connections - subs.confirmed();
  }

  /** The connections' part of a result: how they were opened and how many made it. */
  Result figures(Result result, Subscribers subs) {
    return figures(result, subs.confirmed(), subs.errors());
  }

  /** The same, from counts (the sum of several client processes' shares). */
  Result figures(Result result, long subscribed, long errorEvents) {
    return result.put("connections", connections).put("connect_rate_s", perSecond()).put("protocol", protocol.label())
        .put("channels", channels()).put("subscribed", subscribed).put("errors", connections - subscribed).put("error_events", errorEvents);
  }
}
