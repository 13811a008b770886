package io.herald.core;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The publish side of Herald, as gateways and the GraphQL verticle see it.
 *
 * <p>Guarantees: every channel has exactly one sequencer. It gives each published message the next
 * offset of the channel's current epoch (1, 2, 3, ... without gaps), appends it to history, and only
 * then publishes it on {@link Addresses#channel(String)}; history append and publish happen in offset
 * order. So a consumer registered on the channel address before it reads {@link #position} receives
 * every message after that position, in order; anything older is in history.
 */
public interface Broker {

  /** Sequences and publishes {@code data} (raw JSON); completes with the message's position. */
  Future<StreamPosition> publish(String channel, Buffer data);

  /** The channel's current epoch and latest offset. */
  Future<StreamPosition> position(String channel);

  /** Reads history together with the channel's position, in one step of the sequencer. */
  Future<HistoryPage> history(HistoryQuery query);
}
