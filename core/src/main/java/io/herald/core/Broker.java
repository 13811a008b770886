package io.herald.core;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * The publish side of Herald, as gateways and the GraphQL verticle see it.
 *
 * <p>Guarantees: every channel has exactly one sequencer at a time. It gives each published message
 * the next offset of the channel's current epoch (1, 2, 3, ... without gaps), appends it to history,
 * and only then sends it to every node that {@linkplain #watch watches} the channel, where it is
 * published locally on {@link Addresses#channel(String)}; messages leave in offset order. So a node
 * whose watch completed before it read {@link #position} receives every message after that position,
 * in order; anything older is in history.
 */
public interface Broker {

  /** Sequences and publishes {@code data} (raw JSON); completes with the message's position. */
  default Future<StreamPosition> publish(String channel, Buffer data) {
    return publish(channel, data, true);
  }

  /**
   * As {@link #publish(String, Buffer)}; with {@code mayCreate} false a channel the store does not hold is
   * not created and the publish fails with {@link ErrorCode#RATE_LIMITED} (the client is out of new channels).
   * A channel that would be one over broker.max_channels fails with {@link ErrorCode#TOO_MANY_CHANNELS}.
   */
  default Future<StreamPosition> publish(String channel, Buffer data, boolean mayCreate) {
    return publish(channel, List.of(data), mayCreate);
  }

  /**
   * Sequences every message of {@code data} (not empty, unmodifiable) together: they get consecutive offsets in
   * this order, and the result is the first one's position. Refusals are as for {@link #publish(String, Buffer,
   * boolean)} and refuse them all.
   */
  default Future<StreamPosition> publish(String channel, List<Buffer> data, boolean mayCreate) {
    return publish(new PublishRequest(channel, data), mayCreate).map(Publication::first);
  }

  /**
   * Sequences the request's messages together, as {@link #publish(String, List, boolean)}. A message with an
   * idempotency key the channel published within publish.idempotency_window_ms is not published again: the
   * result gives the offset it got then (kept with the channel's state, so on any node, after an owner's death).
   */
  Future<Publication> publish(PublishRequest request, boolean mayCreate);

  /**
   * The channel's current epoch and latest offset. Reads never create a channel: one the store does not
   * hold answers offset 0 of a throwaway epoch (its first publish starts a new one).
   */
  Future<StreamPosition> position(String channel);

  /**
   * Publishes several channels' requests at once, one bus round trip per owner (node and shard) of their channels;
   * each request is sequenced as if sent alone, and its outcome (a publication or its own refusal) comes back in
   * {@code requests}' order. Channels should be distinct: two requests of one channel are not ordered.
   */
  Future<List<PublishOutcome>> publishAll(List<PublishRequest> requests, boolean mayCreate);

  /** The id of the node whose sequencer owns the channel now (this node in standalone mode). */
  String ownerOf(String channel);

  /** Reads history together with the channel's position, in one step of the sequencer. */
  Future<HistoryPage> history(HistoryQuery query);

  /**
   * Makes this node receive the channel's messages on its local channel address. Watches are counted
   * per node: the node keeps receiving until every watch is matched by an {@link #unwatch}. Completes
   * once the channel's sequencer knows.
   */
  default Future<Void> watch(String channel) {
    return watch(channel, true);
  }

  /** As {@link #watch(String)}; {@code mayCreate} as for {@link #publish(String, Buffer, boolean)}. */
  Future<Void> watch(String channel, boolean mayCreate);

  /** Takes back one {@link #watch}. */
  void unwatch(String channel);

  /** Sends an unsequenced frame (a presence event) to the channel's subscribers on every node. */
  Future<Void> push(String channel, Buffer frame);
}
