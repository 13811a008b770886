package io.herald.broker.impl;

import io.herald.core.ChannelInfo;
import io.herald.core.ClientInfo;
import io.herald.core.Presence;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Presence of one standalone node; every gateway event loop shares it. */
public final class LocalPresence implements Presence {

  private final Map<String, Map<String, ClientInfo>> byChannel = new ConcurrentHashMap<>();

  @Override
  public Future<Void> add(String channel, ClientInfo client) {
    // compute, not computeIfAbsent + put: a concurrent remove may drop an emptied map in between.
    byChannel.compute(channel, (c, clients) -> {
      Map<String, ClientInfo> map = clients == null ? new ConcurrentHashMap<>() : clients;
      map.put(client.client(), client);
      return map;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> remove(String channel, String clientId) {
    byChannel.computeIfPresent(channel, (c, clients) -> {
      clients.remove(clientId);
      return clients.isEmpty() ? null : clients;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<List<ClientInfo>> clients(String channel) {
    Map<String, ClientInfo> clients = byChannel.get(channel);
    return Future.succeededFuture(clients == null ? List.of() : List.copyOf(clients.values()));
  }

  @Override
  public Future<List<ChannelInfo>> channels(String prefix) {
    List<ChannelInfo> result = new ArrayList<>();
    byChannel.forEach((name, clients) -> {
      if (name.startsWith(prefix) && !clients.isEmpty()) {
        result.add(new ChannelInfo(name, clients.size()));
      }
    });
    result.sort((a, b) -> a.name().compareTo(b.name()));
    return Future.succeededFuture(result);
  }
}
