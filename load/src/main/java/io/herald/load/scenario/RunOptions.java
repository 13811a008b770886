package io.herald.load.scenario;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How the fan-out scenarios open their subscribers, publish, and wait for the last deliveries. */
public final class RunOptions {

  @Mixin
  ConnectRate connect = new ConnectRate();

  @Mixin
  Drain drain = new Drain();

  @Option(names = "--publish-connections", description = "HTTP keep-alive connections of the publisher (default ${DEFAULT-VALUE}).")
  int publishConnections = 8;

  @Option(names = "--publish-batch", description = "Messages per publish request when several are due at once: Herald "
      + "takes them as one {\"messages\": [...]} batch; Nchan has no batch and gets one each (default ${DEFAULT-VALUE}).")
  int publishBatch = 1;

  int connectRate() {
    return connect.perSecond;
  }

  long drainMs() {
    return drain.ms;
  }

  /** Bounded wait for opening {@code subscribers}: their ramp plus a minute. */
  long openSeconds(int subscribers) {
    return subscribers / Math.max(1, connectRate()) + 60;
  }

  /** Bounded wait for {@code count} messages at {@code rate}: their time, the drain and two minutes. */
  long runSeconds(long count, double rate) {
    return (long) (count / rate) + drainMs() / 1000 + 120;
  }
}
