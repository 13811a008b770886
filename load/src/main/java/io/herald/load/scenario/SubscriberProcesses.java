package io.herald.load.scenario;

import io.herald.load.LoadTool;
import io.herald.load.engine.Audience;
import io.herald.load.engine.ClientProcesses;
import io.herald.load.engine.ConnectionShare;
import io.herald.load.engine.LocalAudience;
import io.herald.load.engine.Progress;
import io.herald.load.engine.Publisher;
import io.herald.load.engine.RemoteAudience;
import io.herald.load.engine.Subscribers;
import io.vertx.core.Vertx;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --client-processes}: where a fan-out scenario holds its subscribers. In this process, or spread over child
 * JVMs of the tool (hidden {@code fanout-client} subcommand), each holding its share and counting its deliveries in
 * its own ledgers, so that the tool is not the side that saturates; the publisher stays in this process.
 */
public final class SubscriberProcesses {

  /** Subscribers one process holds at most when the count is left to the tool. */
  static final int PER_PROCESS = 2_000;
  /** Client processes the tool starts at most when the count is left to it (each costs a JVM's CPU and memory). */
  static final int MOST = 4;

  @Option(names = "--client-processes", paramLabel = "N", description = "Processes holding the subscribers: 1 holds"
      + " them in this one; N > 1 starts N child JVMs of the tool, each holding its share (the publisher stays here);"
      + " 0 (default) picks 1 below 2,000 subscribers, else one per 2,000, at most 4.")
  int processes;

  /** The client processes {@code subscribers} are spread over. */
  int count(int subscribers) {
    if (processes > 0) {
      return Math.max(1, Math.min(processes, subscribers));
    }
    return subscribers < PER_PROCESS ? 1 : Math.min(MOST, (subscribers + PER_PROCESS - 1) / PER_PROCESS);
  }

  /**
   * Opens {@code count} subscribers of {@code broker}'s {@code channel} at the run's connect rate, here or in client
   * processes; the caller closes the audience.
   */
  Audience open(Vertx vertx, Target target, BrokerUnderTest broker, String channel, Publisher publisher, int count,
                RunOptions options) throws Exception {
    int n = count(count);
    if (n <= 1) {
      Subscribers subs = Target.await(broker.subscribers(vertx, channel, publisher), 60);
      Target.await(subs.open(count, options.connectRate()), options.openSeconds(count));
      return new LocalAudience(vertx, subs);
    }
    int[] shares = ConnectionShare.split(count, n);
    int[] rates = ConnectionShare.split(options.connectRate(), n);
    List<List<String>> args = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> a = new ArrayList<>(List.of("fanout-client", "--process", String.valueOf(i), "--channel", channel,
          "--subscribers", String.valueOf(shares[i]), "--connect-rate", String.valueOf(Math.max(1, rates[i])),
          "--event-loops", String.valueOf(target.eventLoops)));
      a.addAll(broker.asArguments());
      args.add(a);
    }
    Progress.line("%d subscribers in %d client processes (%d each at most)", count, n, shares[0]);
    ClientProcesses children = ClientProcesses.start(LoadTool.class.getName(), args);
    try {
      return RemoteAudience.open(vertx, children, broker.publishing().keysByOffset(), options.openSeconds(count) * 1000);
    } catch (Exception | Error e) {
      children.close();
      throw e;
    }
  }
}
