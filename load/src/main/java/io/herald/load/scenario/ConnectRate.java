package io.herald.load.scenario;

import picocli.CommandLine.Option;

/** {@code --connect-rate}: how fast a scenario opens its connections. */
public final class ConnectRate {

  @Option(names = "--connect-rate", description = "New connections per second while opening (default ${DEFAULT-VALUE}).")
  int perSecond = 2_000;
}
