package io.herald.core;

/** WebSocket close codes the server sends (PROTOCOL.md), each with the reason text it carries. */
public enum CloseCode {
  NORMAL(1000, "normal"),
  GOING_AWAY(1001, "node shutting down"),
  POLICY(1008, "policy violation"),
  TOO_LARGE(1009, "frame too large"),
  UNAUTHORIZED(4001, "unauthorized"),
  SLOW_CONSUMER(4008, "slow consumer"),
  TOO_MANY_CONNECTIONS(4009, "too many connections"),
  LIFETIME_REACHED(4010, "connection lifetime reached"),
  /** Extension: the client stopped answering the server's pings. */
  HEARTBEAT_TIMEOUT(4011, "heartbeat timeout"),
  /** Extension: a backend asked for this client's disconnection ({@code POST /api/disconnect}). */
  DISCONNECTED(4012, "disconnected by server");

  private final short code;
  private final String reason;

  CloseCode(int code, String reason) {
    this.code = (short) code;
    this.reason = reason;
  }

  public short code() {
    return code;
  }

  public String reason() {
    return reason;
  }
}
