package io.herald.core;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * What Herald keeps about each channel: its epoch and latest offset, its recent messages (bounded by
 * the namespace's history size and TTL) and the nodes watching it. Only sequencers call it, one
 * operation of a channel at a time; offsets are assigned here, so whoever appends continues the
 * channel's sequence. In memory in standalone mode; in cluster mode one Hazelcast map entry per
 * channel, on the channel's partition owner with a backup, so all of it survives a node's death.
 */
public interface ChannelStore {

  /**
   * Appends messages with the channel's next offsets (a channel the store does not know starts a new
   * epoch at 1) and reports who watches the channel at that moment. A channel the store does not know
   * is created only if {@code create} (else the append fails with {@link ErrorCode#RATE_LIMITED}) and the
   * store holds fewer than its channel bound (else {@link ErrorCode#TOO_MANY_CHANNELS}).
   */
  default Future<Appended> append(String channel, List<Buffer> data, long ts, boolean create) {
    return append(channel, data, null, ts, create);
  }

  /**
   * As {@link #append(String, List, long, boolean)}, for messages that may carry idempotency keys ({@code keys}
   * null: none; else one per message, null for a message without): a key the channel appended within the
   * store's idempotency window is not appended again (the result's {@link Publication#duplicateOf}).
   */
  Future<Appended> append(String channel, List<Buffer> data, List<String> keys, long ts, boolean create);

  default Future<Appended> append(String channel, List<Buffer> data, long ts) {
    return append(channel, data, ts, true);
  }

  /**
   * The channel's epoch and latest offset. Creates nothing: a channel the store does not know answers
   * offset 0 of a throwaway epoch (its first append or watch starts a new one).
   */
  Future<StreamPosition> position(String channel);

  /** Messages and the channel's position, read in one step; an unknown channel is empty, as for {@link #position}. */
  Future<HistoryPage> read(HistoryQuery query);

  /**
   * Adds {@code node} to the nodes that receive the channel's messages, or removes it. Adding creates an
   * unknown channel, under the same conditions as {@link #append}. Answers what that did to the channel's
   * occupancy: the first watching node anywhere occupies it, the last one gone vacates it.
   */
  Future<Occupancy> watch(String channel, String node, boolean watching, boolean create);

  default Future<Occupancy> watch(String channel, String node, boolean watching) {
    return watch(channel, node, watching, true);
  }

  /**
   * What a watch change did to a channel, cluster-wide: it gained its first watching node (occupied), lost its last
   * (vacated), or neither. Each transition is reported once, by the store operation that made it.
   */
  enum Occupancy {
    UNCHANGED, OCCUPIED, VACATED;

    /** The transition from whether the channel was unwatched before a change to whether it is after. */
    public static Occupancy of(boolean unwatchedBefore, boolean unwatchedAfter) {
      return unwatchedBefore == unwatchedAfter ? UNCHANGED : unwatchedBefore ? OCCUPIED : VACATED;
    }
  }

  /** The nodes watching the channel (none for an unknown channel). */
  Future<List<String>> watchers(String channel);

  /** Removes {@code node} from every channel's watchers: it left the cluster. Answers the channels that left vacant. */
  Future<List<String>> forgetNode(String node);

  /**
   * Drops expired messages and forgets idle, unwatched channels (no messages, no watchers, no append for
   * the history TTL); sequencers call it periodically.
   */
  default void sweep() {
  }

  /**
   * The result of an append: where the messages went ({@link Publication}: the new ones got offsets
   * {@code firstOffset, firstOffset + 1, ...} of {@code epoch}), and {@code watchers}, the nodes to send the new
   * ones to.
   */
  record Appended(Publication publication, List<String> watchers) {

    public Appended(String epoch, long firstOffset, List<String> watchers) {
      this(Publication.of(epoch, firstOffset), watchers);
    }

    public String epoch() {
      return publication.epoch();
    }

    public long firstOffset() {
      return publication.firstOffset();
    }
  }
}
