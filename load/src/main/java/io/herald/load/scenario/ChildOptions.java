package io.herald.load.scenario;

import picocli.CommandLine.Option;

/** What every child process of a scenario is told by its parent (engine.ClientProcesses): who it is and how long to wait. */
public final class ChildOptions {

  @Option(names = "--process", description = "This process's number, for the results.")
  int process;

  @Option(names = "--go-within-s", description = "How long to wait for GO (default ${DEFAULT-VALUE}).")
  long goWithinS = 120;

  @Option(names = "--hold-max-s", description = "Longest wait for the parent's next command (CLOSE included) before "
      + "closing anyway (default ${DEFAULT-VALUE}).")
  long holdMaxS = 900;
}
