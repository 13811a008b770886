package io.herald.load.scenario;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** What the GraphQL scenarios share: S graphql-transport-ws subscriptions, run as {@link Throughput} runs. */
abstract class GraphQLScenario implements Callable<Integer> {

  @Mixin
  Target target;

  @Mixin
  RunOptions options;

  @Mixin
  SubscriberProcesses clients = new SubscriberProcesses();

  @Option(names = "--subscriptions", description = "GraphQL subscriptions, one connection each (default ${DEFAULT-VALUE}).")
  int subscriptions = 20;

  /** {@code count} messages at {@code rate} to the subscriptions; prints and writes the result. */
  int run(String name, double rate, long count) throws Exception {
    return target.report(Throughput.graphql(options, clients).run(target, name, subscriptions, rate, count));
  }
}
