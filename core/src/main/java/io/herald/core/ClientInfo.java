package io.herald.core;

/**
 * A connected client as presence reports it; {@code user} is null for anonymous clients, {@code info} (a JSON
 * object's text) is what the connect hook attached to the connection, or null.
 */
public record ClientInfo(String client, String user, String node, String info) {

  /** A client without info. */
  public ClientInfo(String client, String user, String node) {
    this(client, user, node, null);
  }
}
