package io.herald.load.engine;

import io.vertx.core.Future;

import java.util.List;

/**
 * The subscribers a publisher's messages fan out to, already open, wherever they are held: in this process
 * ({@link LocalAudience}) or spread over client processes ({@link RemoteAudience}). {@link FanoutRun} measures a
 * stretch through it alone, so the figures come from the same ledgers either way.
 */
public interface Audience {

  /** Subscribers opened (those that failed too). */
  long size();

  /** True: the ledgers count the broker's offsets; false: the publish index {@code data.i}. */
  boolean keysByOffset();

  /** Waits until every subscriber has confirmed its subscription, at most {@code withinMs}; how many have. */
  Future<Long> awaitConfirmed(long withinMs);

  /** Every subscriber counts keys from {@code firstKey} on (earlier ones were published before the stretch). */
  Future<Void> startCounting(long firstKey);

  /**
   * Waits until every subscriber holds {@code count} keys from the first one, or {@code drainMs} passes; then what
   * each process counted, in process order.
   */
  Future<List<DeliveryShare>> awaitDeliveries(long count, long drainMs);

  /** Error events of the subscribers since they opened, as last known. */
  long errors();

  /** Connect + subscribe times of the confirmed subscribers, in microseconds. */
  LatencyRecorder setupTimes();

  /** Process ids of the client processes holding the subscribers (none when this process holds them). */
  List<Long> pids();

  /** Closes the subscribers (and ends the processes holding them). */
  Future<Void> close();
}
