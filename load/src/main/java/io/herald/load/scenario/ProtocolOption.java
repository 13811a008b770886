package io.herald.load.scenario;

import io.herald.load.engine.Subscribers;
import picocli.CommandLine.Option;

/** {@code --protocol ws|graphql}: how Herald's subscribers subscribe. */
public final class ProtocolOption {

  @Option(names = "--protocol", description = "ws or graphql (default ${DEFAULT-VALUE}).")
  Subscribers.Protocol value = Subscribers.Protocol.WS;

  String label() {
    return value.name().toLowerCase(java.util.Locale.ROOT);
  }
}
