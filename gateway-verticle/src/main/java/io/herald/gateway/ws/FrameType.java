package io.herald.gateway.ws;

import java.util.HashMap;
import java.util.Map;

/** The {@code type} of a client-to-server /ws frame (docs/protocol.md). */
enum FrameType {
  CONNECT("connect"),
  REFRESH("refresh"),
  SUBSCRIBE("subscribe"),
  UNSUBSCRIBE("unsubscribe"),
  SUB_REFRESH("sub_refresh"),
  PUBLISH("publish"),
  HISTORY("history"),
  PRESENCE("presence"),
  PING("ping");

  private static final Map<String, FrameType> BY_WIRE = new HashMap<>();

  static {
    for (FrameType t : values()) {
      BY_WIRE.put(t.wire, t);
    }
  }

  private final String wire;

  FrameType(String wire) {
    this.wire = wire;
  }

  /** The type for a wire name, or null for an unknown one. */
  static FrameType of(String wire) {
    return BY_WIRE.get(wire);
  }
}
