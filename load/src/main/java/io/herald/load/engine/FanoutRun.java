package io.herald.load.engine;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.function.Supplier;

/**
 * One measured stretch of publishing to subscribers that are already open (in this process or in client
 * processes: an {@link Audience}): a marker message proves every subscription live (graphql-transport-ws has no
 * "subscribed" reply), counting starts after it, then {@code count} messages go out, and the stretch ends when every
 * subscriber has them all or {@code drainMs} after the last answer. The figures are the processes'
 * {@link DeliveryShare}s added up.
 */
public final class FanoutRun {

  /**
   * What a stretch measured; {@code publishSeconds} is from the first send to the last answer; {@code parts}, what
   * each process holding subscribers counted (one when this process holds them all).
   */
  public record Figures(long published, long publishErrors, long notSent, long subscribers, long expected,
                        long delivered, long missing, long duplicated, long outOfOrder, double seconds,
                        double publishSeconds, LatencyRecorder.Summary latency, LatencyRecorder recorder,
                        List<DeliveryShare> parts) {
    public double deliveryRatePct() {
      return expected == 0 ? 100.0 : 100.0 * delivered / expected;
    }

    public double deliveriesPerSecond() {
      return seconds == 0 ? 0 : delivered / seconds;
    }

    /** Messages answered per second of publishing. */
    public double publishRate() {
      return publishSeconds == 0 ? 0 : published / publishSeconds;
    }

    /** This stretch and {@code o} as one: counts and seconds added, latencies merged. */
    public Figures plus(Figures o) {
      LatencyRecorder merged = new LatencyRecorder();
      merged.add(recorder);
      merged.add(o.recorder);
      return new Figures(published + o.published, publishErrors + o.publishErrors, notSent + o.notSent,
          Math.max(subscribers, o.subscribers), expected + o.expected, delivered + o.delivered, missing + o.missing,
          duplicated + o.duplicated, outOfOrder + o.outOfOrder, seconds + o.seconds, publishSeconds + o.publishSeconds,
          merged.summary(), merged, DeliveryShare.plusEach(parts, o.parts));
    }
  }

  /** A marker's offset when its publish failed (a peer without offsets answers -1). */
  private static final long NOT_PUBLISHED = Long.MIN_VALUE;
  /** How long each marker waits for every subscriber's confirmation before the next is sent. */
  private static final long MARKER_WAIT_MS = 500;

  private FanoutRun() {
  }

  /** Marker, then {@code count} messages at a constant {@code rate}. */
  public static Future<Figures> run(Vertx vertx, Audience audience, Publisher publisher, double rate, long count,
                                    long drainMs) {
    // The ledger's keys: Herald's offsets (the run's messages follow the marker), or for a peer without
    // offsets the publish indexes data.i this run will use.
    return mark(vertx, audience, publisher)
        .compose(markerOffset -> measure(vertx, audience, publisher,
            audience.keysByOffset() ? markerOffset + 1 : publisher.nextIndex(), count,
            () -> publisher.run(rate, count), drainMs));
  }

  /** The key of the next message {@code publisher} sends, as {@code audience}'s ledgers count it. */
  public static long nextKey(Audience audience, Publisher publisher) {
    return audience.keysByOffset() ? publisher.lastOffset() + 1 : publisher.nextIndex();
  }

  /** Publishes markers until every subscriber has confirmed; completes with the last marker's offset. */
  public static Future<Long> mark(Vertx vertx, Audience audience, Publisher publisher) {
    return mark(vertx, audience, publisher, 20);
  }

  /**
   * Counts the deliveries of keys {@code firstKey .. firstKey + count - 1} while {@code publishing} sends them
   * (nothing else may publish to the channel meanwhile); earlier keys are ignored.
   */
  public static Future<Figures> measure(Vertx vertx, Audience audience, Publisher publisher, long firstKey,
                                        long count, Supplier<Future<Void>> publishing, long drainMs) {
    return audience.startCounting(firstKey).compose(counting -> {
      long start = System.nanoTime();
      long sentBefore = publisher.sent();
      long errorsBefore = publisher.errors();
      long notSentBefore = publisher.notSent();
      double[] publishSeconds = {0};
      return publishing.get()
          .compose(v -> {
            publishSeconds[0] = (System.nanoTime() - start) / 1e9;
            return audience.awaitDeliveries(count, drainMs);
          })
          .map(parts -> {
            DeliveryShare all = DeliveryShare.merge(parts);
            return new Figures(publisher.sent() - sentBefore, publisher.errors() - errorsBefore,
                publisher.notSent() - notSentBefore, all.subscribers(), count * all.subscribers(), all.delivered(),
                all.missing(), all.duplicated(), all.outOfOrder(), (System.nanoTime() - start) / 1e9,
                publishSeconds[0], all.latency().summary(), all.latency(), parts);
          });
    });
  }

  private static Future<Long> mark(Vertx vertx, Audience audience, Publisher publisher, int triesLeft) {
    // A marker whose publish failed is tried again like one not yet seen by every subscriber.
    return publisher.publishRaw(Publisher.MARKER).otherwise(NOT_PUBLISHED).compose(offset ->
        (offset == NOT_PUBLISHED ? Future.succeededFuture(-1L) : audience.awaitConfirmed(MARKER_WAIT_MS))
            .compose(confirmed -> {
              if (confirmed == audience.size()) {
                return Future.succeededFuture(offset);
              }
              if (triesLeft > 1) {
                return offset == NOT_PUBLISHED
                    ? Poll.delay(vertx, MARKER_WAIT_MS).compose(v -> mark(vertx, audience, publisher, triesLeft - 1))
                    : mark(vertx, audience, publisher, triesLeft - 1);
              }
              return Future.failedFuture("only " + Math.max(0, confirmed) + " of " + audience.size()
                  + " subscribers confirmed" + (offset == NOT_PUBLISHED ? " (the last marker's publish failed)" : ""));
            }));
  }
}
