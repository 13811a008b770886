package io.herald.broker.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.herald.core.ChannelInfo;
import io.herald.core.ClientInfo;
import io.herald.core.Presence;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Cluster-wide presence: one entry of the Hazelcast map {@value #MAP} per occupied channel, changed by
 * {@link ChannelPresence}'s entry processors on the partition owner (with a backup). Each client is
 * recorded with the member it is connected to; when a member leaves or dies,
 * {@link #forgetMember} removes its clients. Thread-safe.
 */
public final class HazelcastPresence implements Presence {

  public static final String MAP = "herald.presence";

  private final Vertx vertx;
  private final IMap<String, ChannelPresence> map;
  private final String member;

  /** @param member this node's member id, recorded with every client it adds */
  public HazelcastPresence(Vertx vertx, HazelcastInstance hazelcast, String member) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.member = member;
  }

  @Override
  public Future<Void> add(String channel, ClientInfo client) {
    return HazelcastAsync.onContext(map.submitToKey(channel, new ChannelPresence.Add(client, member)), vertx.getOrCreateContext());
  }

  @Override
  public Future<Void> remove(String channel, String clientId) {
    return HazelcastAsync.onContext(map.submitToKey(channel, ChannelPresence.Remove.client(clientId)), vertx.getOrCreateContext());
  }

  @Override
  public Future<List<ClientInfo>> clients(String channel) {
    return HazelcastAsync.onContext(map.submitToKey(channel, new ChannelPresence.Snapshot()), vertx.getOrCreateContext())
        .map(ChannelPresence::clients);
  }

  /** Scans every partition: an operator's question, not a hot path. */
  @Override
  public Future<List<ChannelInfo>> channels(String prefix) {
    return vertx.executeBlocking(() -> {
      List<ChannelInfo> result = new ArrayList<>();
      for (Map.Entry<String, Integer> e : map.executeOnEntries(new ChannelPresence.Count()).entrySet()) {
        if (e.getKey().startsWith(prefix) && e.getValue() > 0) {
          result.add(new ChannelInfo(e.getKey(), e.getValue()));
        }
      }
      result.sort(Comparator.comparing(ChannelInfo::name));
      return result;
    }, false);
  }

  /** Removes every client connected to {@code member}, which left the cluster. */
  public Future<Void> forgetMember(String member) {
    return vertx.executeBlocking(() -> {
      map.executeOnEntries(ChannelPresence.Remove.member(member));
      return null;
    }, false);
  }
}
