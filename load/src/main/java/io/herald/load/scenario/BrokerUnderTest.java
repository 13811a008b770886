package io.herald.load.scenario;

import io.herald.load.engine.Publisher;
import io.herald.load.engine.Subscribers;
import io.herald.load.peer.HeraldPeer;
import io.herald.load.peer.NchanPeer;
import io.herald.load.peer.Peer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.URI;
import java.util.List;

/**
 * The broker a fan-out scenario measures: Herald's nodes (subscribers over {@code protocol}) or Nchan at one URL,
 * where its publisher posts, and the processes whose CPU is the server's ({@code pids}, none when unknown). A client
 * process is given it as arguments ({@link #asArguments}), so it subscribes exactly as this process would.
 */
record BrokerUnderTest(Peer.Kind kind, List<URI> urls, URI publishUrl, Subscribers.Protocol protocol, List<Long> pids) {

  static BrokerUnderTest herald(Target target, Subscribers.Protocol protocol) {
    return new BrokerUnderTest(Peer.Kind.HERALD, target.urls, target.publishNode(), protocol, target.serverPids);
  }

  static BrokerUnderTest nchan(URI url, List<Long> pids) {
    return new BrokerUnderTest(Peer.Kind.NCHAN, List.of(url), url, Subscribers.Protocol.WS, pids);
  }

  boolean herald() {
    return kind == Peer.Kind.HERALD;
  }

  /** A channel of this run's own (Nchan's ids take no colon). */
  String channel(String scenario) {
    return herald() ? Target.channel(scenario) : "load-" + scenario + "-" + System.currentTimeMillis();
  }

  /** How the publisher posts to it. */
  Peer publishing() {
    return herald() ? new HeraldPeer(false) : new NchanPeer();
  }

  Publisher publisher(Vertx vertx, String channel, int connections) {
    return new Publisher(vertx, publishing(), publishUrl, channel, connections);
  }

  /** The scenario's publisher: its connections, and batches of up to --publish-batch where the broker takes them. */
  Publisher publisher(Vertx vertx, String channel, RunOptions options) {
    Peer peer = publishing();
    return new Publisher(vertx, peer, publishUrl, channel, options.publishConnections)
        .batching(peer.batches() ? options.publishBatch : 1);
  }

  /**
   * Subscribers of {@code channel}, not yet open; Herald's GraphQL ones are confirmed by the replay of a marker
   * {@code publisher} sends first ({@link Subscribers#herald}).
   */
  Future<Subscribers> subscribers(Vertx vertx, String channel, Publisher publisher) {
    return herald() ? Subscribers.herald(vertx, urls, protocol, channel, publisher)
        : Future.succeededFuture(new Subscribers(vertx, urls, new NchanPeer(), channel));
  }

  /** The options that make a {@code fanout-client} subscribe to this broker. */
  List<String> asArguments() {
    return List.of("--peer", kind.label(), "--url", String.join(",", urls.stream().map(URI::toString).toList()),
        "--publish-url", publishUrl.toString(), "--protocol", protocol.name().toLowerCase(java.util.Locale.ROOT));
  }
}
