package io.herald.load;

import io.herald.load.scenario.Burst;
import io.herald.load.scenario.Connections;
import io.herald.load.scenario.ConnectionsClient;
import io.herald.load.scenario.FanoutClient;
import io.herald.load.scenario.FanoutMax;
import io.herald.load.scenario.GraphQL;
import io.herald.load.scenario.GraphQLHighFrequency;
import io.herald.load.scenario.Hop;
import io.herald.load.scenario.Hostile;
import io.herald.load.scenario.Leak;
import io.herald.load.scenario.Report;
import io.herald.load.scenario.Stability;
import io.herald.load.scenario.Compare;
import io.herald.load.scenario.Throughput;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code herald load <scenario>}: Herald's load tool. */
@Command(name = "herald load", mixinStandardHelpOptions = true, version = "Herald load 0.1.0",
    description = "Runs a load scenario against one or more Herald nodes and reports what it measured.",
    subcommands = {Connections.class, ConnectionsClient.class, Throughput.class, Burst.class, Stability.class, Leak.class, Compare.class,
        FanoutMax.class, FanoutClient.class, GraphQL.class, GraphQLHighFrequency.class, Hostile.class, Hop.class, Report.class})
public final class LoadTool implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with enum options such as {@code --protocol graphql} accepted in any case. */
  public static CommandLine commandLine() {
    return new CommandLine(new LoadTool()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
