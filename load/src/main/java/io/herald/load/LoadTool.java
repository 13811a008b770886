package io.herald.load;

import io.herald.load.scenario.Compare;
import io.herald.load.scenario.Throughput;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code herald load <scenario>}: Herald's load tool. */
@Command(name = "herald load", mixinStandardHelpOptions = true, version = "Herald load 0.1.0",
    description = "Runs a load scenario against one or more Herald nodes and reports what it measured.",
    subcommands = {Throughput.class, Compare.class})
public final class LoadTool implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadTool()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
