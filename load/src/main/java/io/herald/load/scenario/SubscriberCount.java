package io.herald.load.scenario;

import picocli.CommandLine.Option;

/** {@code --subscribers}: how many subscribers a fan-out scenario opens; each scenario sets its default. */
public final class SubscriberCount {

  @Option(names = "--subscribers", description = "Subscribers (default ${DEFAULT-VALUE}).")
  int count;

  public SubscriberCount() {
    this(100);
  }

  SubscriberCount(int defaultCount) {
    this.count = defaultCount;
  }
}
