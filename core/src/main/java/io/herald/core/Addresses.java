package io.herald.core;

/** Every event-bus address Herald uses; call sites never concatenate addresses themselves. */
public final class Addresses {

  private static final String PREFIX = "herald.";

  private Addresses() {
  }

  /** Where a channel's messages are published, in sequence, by its sequencer. */
  public static String channel(String channel) {
    return PREFIX + "ch." + channel;
  }

  /** Request address of the sequencer shard that owns {@code channel}. */
  public static String sequencer(String channel, int shards) {
    return sequencerShard(Math.floorMod(channel.hashCode(), shards));
  }

  public static String sequencerShard(int shard) {
    return PREFIX + "seq." + shard;
  }
}
