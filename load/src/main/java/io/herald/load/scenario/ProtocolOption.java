package io.herald.load.scenario;

import io.herald.load.engine.Subscribers;
import picocli.CommandLine.Option;

/** {@code --protocol ws|ws_batch|graphql}: how Herald's subscribers subscribe. */
public final class ProtocolOption {

  @Option(names = "--protocol", description = "ws, ws_batch (/ws asking for messages frames, for a namespace with batch_ms) or graphql"
      + " (default ${DEFAULT-VALUE}).")
  Subscribers.Protocol value = Subscribers.Protocol.WS;

  String label() {
    return value.name().toLowerCase(java.util.Locale.ROOT);
  }
}
