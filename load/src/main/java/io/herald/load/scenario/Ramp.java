package io.herald.load.scenario;

import io.herald.load.engine.Progress;
import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.herald.load.engine.Subscribers;
import io.herald.load.peer.HeraldPeer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.TimeoutException;

/** The connections of the scenarios that open many /ws connections: how many, how fast, which channels. */
public final class Ramp {

  @Option(names = "--connections", description = "Connections (default ${DEFAULT-VALUE}).")
  int connections = 100;

  @Mixin
  ConnectRate rate = new ConnectRate();

  @Option(names = "--own-channels", description = "Each connection subscribes to a channel of its own (default: one shared channel).")
  boolean ownChannels;

  int perSecond() {
    return rate.perSecond;
  }

  String channels() {
    return ownChannels ? "own" : "shared";
  }

  Subscribers subscribers(Vertx vertx, Target target, String channel) {
    return subscribers(vertx, target, channel, null);
  }

  /** The subscribers, their connections leaving from {@code localAddress} (null: the system's choice). */
  Subscribers subscribers(Vertx vertx, Target target, String channel, String localAddress) {
    return new Subscribers(vertx, target.urls, new HeraldPeer(false), channel, ownChannels, localAddress);
  }

  /** Opens the connections and subscribes them; failures are counted by {@code subs}, not thrown. */
  void open(Subscribers subs) throws Exception {
    long seconds = connections / Math.max(1, perSecond()) + Subscribers.SETUP_TIMEOUT_MS / 1000 + 30;
    try {
      Target.await(subs.open(connections, perSecond()).otherwiseEmpty(), seconds);
    } catch (TimeoutException e) {
      Progress.line("connections: not every connection was settled within %d s; the %d unconfirmed count as errors",
          seconds, connections - subs.confirmed());
    }
  }

  /**
   * Opens, subscribes and closes one connection that is not measured, so the first measured ones do not
   * pay for the client's cold start (class loading, first handshake); returns when the server no longer
   * counts it.
   */
  void warmUp(Vertx vertx, Target target, ServerMetrics server) throws Exception {
    long before = Target.await(server.activeConnections(), 30);
    Target.await(warmUpClient(vertx, target, null).compose(v -> server.awaitConnectionsAtMost(vertx, before, 10_000)),
        Subscribers.SETUP_TIMEOUT_MS / 1000 + 60);
  }

  /** The client's half of {@link #warmUp}: one connection opened, subscribed and closed, failures ignored. */
  static Future<Void> warmUpClient(Vertx vertx, Target target, String localAddress) {
    Subscribers one = new Subscribers(vertx, target.urls.subList(0, 1), new HeraldPeer(false),
        Target.channel("warm-up"), false, localAddress);
    return one.open(1, 0).otherwiseEmpty().compose(v -> one.close());
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
    return result.put("connections", connections).put("connect_rate_s", perSecond()).put("channels", channels())
        .put("subscribed", subscribed).put("errors", connections - subscribed).put("error_events", errorEvents);
  }
}
