package io.herald.load.scenario;

import picocli.CommandLine.Option;

/** {@code --drain-ms}: how long a scenario waits for the last answers after its last send. */
public final class Drain {

  @Option(names = "--drain-ms", description = "How long to wait for the last deliveries or pongs (default ${DEFAULT-VALUE}).")
  long ms = 5_000;
}
