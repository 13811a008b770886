package io.herald.gateway;

import io.herald.gateway.impl.ClientConnection;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open /ws connection of the node, across gateway event loops: for the HTTP API's disconnect
 * and unsubscribe, /api/info and the shutdown drain. Actions on a connection run on its own loop.
 */
public final class ConnectionRegistry {

  private final Map<String, ClientConnection> byId = new ConcurrentHashMap<>();

  public void add(ClientConnection connection) {
    byId.put(connection.id(), connection);
  }

  public void remove(ClientConnection connection) {
    byId.remove(connection.id(), connection);
  }

  public int size() {
    return byId.size();
  }

  public Collection<ClientConnection> all() {
    return byId.values();
  }

  public ClientConnection get(String clientId) {
    return byId.get(clientId);
  }
}
