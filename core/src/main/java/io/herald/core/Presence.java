package io.herald.core;

import io.vertx.core.Future;

import java.util.List;

/** Who is subscribed to which channel (cluster-wide in cluster mode). */
public interface Presence {

  Future<Void> add(String channel, ClientInfo client);

  Future<Void> remove(String channel, String clientId);

  Future<List<ClientInfo>> clients(String channel);

  /** Channels with at least one subscriber whose name starts with {@code prefix} (all when empty). */
  Future<List<ChannelInfo>> channels(String prefix);
}
