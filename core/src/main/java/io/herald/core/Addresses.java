package io.herald.core;

/** Every event-bus address Herald uses; call sites never concatenate addresses themselves. */
public final class Addresses {

  private static final String PREFIX = "herald.";

  private Addresses() {
  }

  /** Where a channel's messages are published inside a node, in sequence. Never crosses nodes. */
  public static String channel(String channel) {
    return PREFIX + "ch." + channel;
  }

  /** Request address of the sequencer shard on {@code node} that owns {@code channel} there. */
  public static String sequencer(String node, String channel, int shards) {
    return sequencerShard(node, Math.floorMod(channel.hashCode(), shards));
  }

  public static String sequencerShard(String node, int shard) {
    return PREFIX + "seq." + node + "." + shard;
  }

  /** Where a node answers the HTTP API's questions about its own connections (info, disconnect, unsubscribe). */
  public static String commands(String node) {
    return PREFIX + "cmd." + node;
  }

  /** A node's inbox: the messages and pushes of the channels it watches, sent by their sequencers. */
  public static String node(String node) {
    return PREFIX + "node." + node;
  }
}
