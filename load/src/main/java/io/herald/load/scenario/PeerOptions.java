package io.herald.load.scenario;

import io.herald.load.engine.Subscribers;
import io.herald.load.peer.Peer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.net.URI;
import java.util.List;

/** {@code --peer}, {@code --peer-url}, {@code --peer-pid}: a fan-out scenario measuring a peer broker (Nchan) instead of Herald. */
public final class PeerOptions {

  @Option(names = "--peer", converter = KindConverter.class, paramLabel = "herald|nchan",
      description = "Broker to measure: herald (the --url nodes, default) or nchan (--peer-url; WebSocket subscribers).")
  Peer.Kind kind = Peer.Kind.HERALD;

  @Option(names = "--peer-url", description = "Base URL of the peer when --peer is not herald, e.g. http://127.0.0.1:8081 "
      + "for load/peers/nchan/run-nchan.sh start 8081; it takes both the publisher and the subscribers.")
  URI url;

  @Option(names = "--peer-pid", split = ",", paramLabel = "PID", description = "Process ids of the peer (Nchan's nginx"
      + " master and workers): its CPU per delivery is then read from /proc, as the node's is with --server-pid.")
  List<Long> pids = List.of();

  /** The broker measured: Herald's nodes with {@code protocol} subscribers, or the peer (which has only its own). */
  BrokerUnderTest broker(Target target, Subscribers.Protocol protocol, CommandSpec spec) {
    if (kind == Peer.Kind.HERALD) {
      return BrokerUnderTest.herald(target, protocol);
    }
    if (url == null) {
      throw new ParameterException(spec.commandLine(), "--peer " + kind.label() + " needs --peer-url");
    }
    if (protocol != Subscribers.Protocol.WS) {
      throw new ParameterException(spec.commandLine(), "--protocol " + protocol.name().toLowerCase(java.util.Locale.ROOT)
          + " is Herald's only; --peer " + kind.label() + " subscribes over its own WebSocket");
    }
    return BrokerUnderTest.nchan(url, pids);
  }

  /** {@code --peer herald|nchan}, in lower case as the help shows it. */
  static final class KindConverter implements ITypeConverter<Peer.Kind> {
    @Override
    public Peer.Kind convert(String value) {
      return Peer.Kind.parse(value);
    }
  }
}
