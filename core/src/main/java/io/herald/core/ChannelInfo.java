package io.herald.core;

/** A channel with at least one subscriber. */
public record ChannelInfo(String name, int subscribers) {
}
