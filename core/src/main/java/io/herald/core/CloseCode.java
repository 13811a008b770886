package io.herald.core;

/**
 * WebSocket close codes the server sends, on /ws and on graphql-transport-ws (docs/protocol.md), each with the
 * reason text it carries unless the close says more.
 */
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
  DISCONNECTED(4012, "disconnected by server"),
  /** graphql-transport-ws: a message the protocol does not allow (bad JSON, unknown type, binary). */
  GRAPHQL_BAD_MESSAGE(4400, "Invalid message received"),
  /** graphql-transport-ws: a subscribe before the connection was acknowledged. */
  GRAPHQL_UNAUTHORIZED(4401, "Unauthorized"),
  /** graphql-transport-ws: the connection_init's token was refused. */
  GRAPHQL_FORBIDDEN(4403, "Forbidden"),
  /** graphql-transport-ws: the client did not ask for the graphql-transport-ws sub-protocol. */
  GRAPHQL_SUBPROTOCOL(4406, "Subprotocol not acceptable"),
  /** graphql-transport-ws: no connection_init within graphql.init_timeout_ms. */
  GRAPHQL_INIT_TIMEOUT(4408, "Connection initialisation timeout"),
  /** graphql-transport-ws: a subscribe with the id of an operation still running. */
  GRAPHQL_SUBSCRIBER_EXISTS(4409, "Subscriber already exists"),
  /** graphql-transport-ws: the connect hook (proxy.connect_url) gave no usable answer to connection_init. */
  GRAPHQL_INTERNAL(4500, "Internal server error"),
  /** graphql-transport-ws: a second connection_init. */
  GRAPHQL_TOO_MANY_INITS(4429, "Too many initialisation requests");

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
