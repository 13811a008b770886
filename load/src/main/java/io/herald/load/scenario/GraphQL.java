package io.herald.load.scenario;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** S GraphQL subscriptions x M messages: subscription setup time, delivery, latency. */
@Command(name = "graphql", mixinStandardHelpOptions = true,
    description = "S GraphQL subscriptions (graphql-transport-ws) x M messages: setup time, delivery, latency.")
public final class GraphQL extends GraphQLScenario {

  @Option(names = "--messages", description = "Messages published (default ${DEFAULT-VALUE}).")
  long messages = 50;

  @Option(names = "--rate", description = "Messages per second (default ${DEFAULT-VALUE}).")
  double rate = 50;

  @Override
  public Integer call() throws Exception {
    return run("graphql", rate, messages);
  }
}
