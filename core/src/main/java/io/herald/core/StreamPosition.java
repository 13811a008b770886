package io.herald.core;

/** A point in a channel's stream: the epoch and the offset of the latest message (0 before the first). */
public record StreamPosition(String epoch, long offset) {
}
