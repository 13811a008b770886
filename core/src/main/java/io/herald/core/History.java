package io.herald.core;

import io.vertx.core.Future;

/**
 * Storage of each channel's recent messages, bounded by the namespace's size and TTL. Only the
 * channel's sequencer appends; the standalone implementation is in memory, the cluster one on the
 * channel's partition owner with a backup.
 */
public interface History {

  /** The last stored position of a channel, or null when history knows nothing of it. */
  Future<StreamPosition> lastPosition(String channel);

  /** Appends the channel's next message (its offset follows the last one appended, or starts an epoch). */
  Future<Void> append(Message message);

  /** Reads messages; the page's epoch and latest are those of the last append; null for an unknown channel. */
  Future<HistoryPage> read(HistoryQuery query);

  /** Drops expired messages and forgotten channels; the sequencer calls it periodically on its loop. */
  default void sweep() {
  }
}
