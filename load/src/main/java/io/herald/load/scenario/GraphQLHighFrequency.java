package io.herald.load.scenario;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Updates per second to GraphQL subscribers: a constant rate for a duration. */
@Command(name = "graphql-hf", mixinStandardHelpOptions = true,
    description = "High-frequency updates to GraphQL subscriptions: R msg/s to S subscriptions for D seconds.")
public final class GraphQLHighFrequency extends GraphQLScenario {

  /** --rate: updates per second. */
  @Mixin
  Publishing publishing = new Publishing();

  @Override
  public Integer call() throws Exception {
    return run("graphql-hf", publishing.rate, publishing.messages());
  }
}
