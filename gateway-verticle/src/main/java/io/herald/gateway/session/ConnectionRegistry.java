package io.herald.gateway.session;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open WebSocket of the node (/ws and GraphQL), across gateway event loops: for the HTTP API's disconnect
 * and unsubscribe, /api/info and the shutdown drain. Actions on a connection run on its own loop.
 */
public final class ConnectionRegistry {

  private final Map<String, ClientSession> byId = new ConcurrentHashMap<>();

  public void add(ClientSession connection) {
    byId.put(connection.id(), connection);
  }

  public void remove(ClientSession connection) {
    byId.remove(connection.id(), connection);
  }

  public int size() {
    return byId.size();
  }

  public Collection<ClientSession> all() {
    return byId.values();
  }

  public ClientSession get(String clientId) {
    return byId.get(clientId);
  }
}
