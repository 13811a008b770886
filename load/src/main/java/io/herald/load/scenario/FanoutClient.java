package io.herald.load.scenario;

import io.herald.load.engine.ClientProcesses;
import io.herald.load.engine.ConnectionShare;
import io.herald.load.engine.LocalAudience;
import io.herald.load.engine.Publisher;
import io.herald.load.engine.RemoteAudience;
import io.herald.load.engine.Subscribers;
import io.herald.load.peer.Peer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * One client process of a fan-out run spread over processes ({@code --client-processes N}; hidden: the scenario
 * starts it). It speaks {@link ClientProcesses}' line protocol on stdin/stdout: says READY, opens its share of the
 * subscribers on GO and prints their {@link ConnectionShare} as RESULT, then answers the parent's commands
 * ({@link RemoteAudience}) from its own ledgers until CLOSE (or stdin ends, or --hold-max-s passes without one).
 */
@Command(name = "fanout-client", hidden = true,
    description = "One client process of a fan-out scenario's --client-processes N (started by it; not for direct use).")
public final class FanoutClient implements Callable<Integer> {

  @Mixin
  Target target;

  @Option(names = "--peer", converter = PeerOptions.KindConverter.class, description = "herald or nchan (at --url).")
  Peer.Kind peer = Peer.Kind.HERALD;

  @Mixin
  ProtocolOption protocol = new ProtocolOption();

  @Option(names = "--channel", required = true, description = "The channel.")
  String channel;

  @Option(names = "--subscribers", required = true, description = "Subscribers this process holds.")
  int subscribers;

  @Mixin
  ConnectRate connectRate = new ConnectRate();

  @Mixin
  ChildOptions child = new ChildOptions();

  @Override
  public Integer call() throws Exception {
    BlockingQueue<String> commands = ConnectionsClient.stdinLines();
    Vertx vertx = target.vertx();
    BrokerUnderTest broker = peer == Peer.Kind.HERALD ? BrokerUnderTest.herald(target, protocol.value)
        : BrokerUnderTest.nchan(target.urls.get(0), List.of());
    // Only GraphQL subscribers publish (the marker whose replay confirms them); one connection is plenty.
    Publisher publisher = broker.publisher(vertx, channel, 1);
    try {
      Subscribers subs = Target.await(broker.subscribers(vertx, channel, publisher), 60);
      ConnectionsClient.say(ClientProcesses.READY);
      if (!ClientProcesses.GO.equals(commands.poll(child.goWithinS, TimeUnit.SECONDS))) {
        System.err.println("fanout-client " + child.process + ": no GO within " + child.goWithinS + " s; exiting");
        return 2;
      }
      // A subscriber that fails is counted (subscribed < connections), not thrown: the parent decides.
      Target.await(subs.open(subscribers, connectRate.perSecond).otherwiseEmpty(),
          subscribers / Math.max(1, connectRate.perSecond) + 60);
      ConnectionShare opened = new ConnectionShare(child.process, subscribers, subs.opened(), subs.errors(),
          subs.disconnects(), subs.disconnectCodes(), subs.setupTimes());
      ConnectionsClient.say(ClientProcesses.RESULT + " " + opened.toJson().encode());
      LocalAudience audience = new LocalAudience(vertx, subs, child.process);
      for (String line = commands.poll(child.holdMaxS, TimeUnit.SECONDS);
           line != null && !line.equals(ClientProcesses.CLOSE); line = commands.poll(child.holdMaxS, TimeUnit.SECONDS)) {
        JsonObject answer;
        try {
          // Each command bounds its own wait; this bound only keeps a broken one from holding the process.
          answer = Target.await(RemoteAudience.answer(audience, line), child.holdMaxS);
        } catch (Exception e) {
          answer = new JsonObject().put("error", String.valueOf(e.getMessage()));
        }
        ConnectionsClient.say(ClientProcesses.RESULT + " " + answer.encode());
      }
      Target.await(subs.close(), 60);
      return 0;
    } finally {
      publisher.close();
      Target.await(vertx.close(), 30);
    }
  }
}
