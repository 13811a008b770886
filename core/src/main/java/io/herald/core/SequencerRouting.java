package io.herald.core;

/** Which node's sequencers own a channel: this node in standalone mode, the partition owner in a cluster. */
@FunctionalInterface
public interface SequencerRouting {

  String ownerOf(String channel);
}
