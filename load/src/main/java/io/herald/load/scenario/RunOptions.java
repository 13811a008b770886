package io.herald.load.scenario;

import picocli.CommandLine.Option;

/** How the fan-out scenarios open their subscribers, publish, and wait for the last deliveries. */
public final class RunOptions {

  @Option(names = "--connect-rate", description = "New subscribers per second while opening (default ${DEFAULT-VALUE}).")
  int connectRate = 2_000;

  @Option(names = "--drain-ms", description = "How long to wait for the last deliveries (default ${DEFAULT-VALUE}).")
  long drainMs = 5_000;

  @Option(names = "--publish-connections", description = "HTTP keep-alive connections of the publisher (default ${DEFAULT-VALUE}).")
  int publishConnections = 8;

  /** Bounded wait for opening {@code subscribers}: their ramp plus a minute. */
  long openSeconds(int subscribers) {
    return subscribers / Math.max(1, connectRate) + 60;
  }

  /** Bounded wait for {@code count} messages at {@code rate}: their time, the drain and two minutes. */
  long runSeconds(long count, double rate) {
    return (long) (count / rate) + drainMs / 1000 + 120;
  }
}
