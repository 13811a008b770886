package io.herald.load.scenario;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Updates per second to GraphQL subscribers: a constant rate for a duration. */
@Command(name = "graphql-hf", mixinStandardHelpOptions = true,
    description = "High-frequency updates to GraphQL subscriptions: R msg/s to S subscriptions for D seconds.")
public final class GraphQLHighFrequency extends GraphQLScenario {

  @Option(names = "--rate", description = "Updates per second (default ${DEFAULT-VALUE}).")
  double rate = 100;

  @Option(names = "--duration", description = "Seconds of publishing (default ${DEFAULT-VALUE}).")
  double duration = 30;

  @Override
  public Integer call() throws Exception {
    return run("graphql-hf", rate, Math.round(rate * duration));
  }
}
