package io.herald.load.scenario;

import picocli.CommandLine.Option;

/** {@code --rate} and {@code --duration}: publishing at a constant rate for a time. */
public final class Publishing {

  @Option(names = "--rate", description = "Messages per second (default ${DEFAULT-VALUE}).")
  double rate = 100;

  @Option(names = "--duration", description = "Seconds of publishing (default ${DEFAULT-VALUE}).")
  double duration = 30;

  /** The messages a run publishes: rate x duration. */
  long messages() {
    return Math.round(rate * duration);
  }
}
