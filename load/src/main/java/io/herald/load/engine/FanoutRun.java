package io.herald.load.engine;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/**
 * One measured stretch of publishing to subscribers that are already open: a marker message proves
 * every subscription live (graphql-transport-ws has no "subscribed" reply), counting starts after it,
 * then {@code count} messages go out, and the stretch ends when every subscriber has them all or
 * {@code drainMs} after the last answer.
 */
public final class FanoutRun {

  /** What a stretch measured; {@code publishSeconds} is from the first send to the last answer. */
  public record Figures(long published, long publishErrors, long notSent, long subscribers, long expected,
                        long delivered, long missing, long duplicated, long outOfOrder, double seconds,
                        double publishSeconds, LatencyRecorder.Summary latency, LatencyRecorder recorder) {
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
          merged.summary(), merged);
    }
  }

  /** A marker's offset when its publish failed (a peer without offsets answers -1). */
  private static final long NOT_PUBLISHED = Long.MIN_VALUE;

  private FanoutRun() {
  }

  /** Marker, then {@code count} messages at a constant {@code rate}. */
  public static Future<Figures> run(Vertx vertx, Subscribers subscribers, Publisher publisher, double rate, long count,
                                    long drainMs) {
    // The ledger's keys: Herald's offsets (the run's messages follow the marker), or for a peer without
    // offsets the publish indexes data.i this run will use.
    return mark(vertx, subscribers, publisher)
        .compose(markerOffset -> measure(vertx, subscribers, publisher,
            subscribers.peer().keysByOffset() ? markerOffset + 1 : publisher.nextIndex(), count,
            () -> publisher.run(rate, count), drainMs));
  }

  /** Publishes markers until every subscriber has confirmed; completes with the last marker's offset. */
  public static Future<Long> mark(Vertx vertx, Subscribers subscribers, Publisher publisher) {
    return mark(vertx, subscribers, publisher, 20);
  }

  /**
   * Counts the deliveries of offsets {@code firstOffset .. firstOffset + count - 1} while {@code publishing}
   * sends them (nothing else may publish to the channel meanwhile); earlier offsets are ignored.
   */
  public static Future<Figures> measure(Vertx vertx, Subscribers subscribers, Publisher publisher, long firstOffset,
                                        long count, Supplier<Future<Void>> publishing, long drainMs) {
    subscribers.startCounting(firstOffset);
    long start = System.nanoTime();
    long sentBefore = publisher.sent();
    long errorsBefore = publisher.errors();
    long notSentBefore = publisher.notSent();
    long n = subscribers.all().size();
    double[] publishSeconds = {0};
    return publishing.get()
        .compose(v -> {
          publishSeconds[0] = (System.nanoTime() - start) / 1e9;
          return Poll.until(vertx, () -> subscribers.delivered() >= count * n, System.currentTimeMillis() + drainMs);
        })
        .map(v -> {
          long last = firstOffset + count - 1;
          long missing = 0;
          long dup = 0;
          long ooo = 0;
          for (Subscribers.Subscriber s : subscribers.all()) {
            missing += s.ledger().missing(last);
            dup += s.ledger().duplicated();
            ooo += s.ledger().outOfOrder();
          }
          return new Figures(publisher.sent() - sentBefore, publisher.errors() - errorsBefore,
              publisher.notSent() - notSentBefore, n, count * n, subscribers.delivered(), missing, dup, ooo,
              (System.nanoTime() - start) / 1e9, publishSeconds[0], subscribers.latency().summary(),
              subscribers.latency());
        });
  }

  private static Future<Long> mark(Vertx vertx, Subscribers subscribers, Publisher publisher, int triesLeft) {
    // A marker whose publish failed is tried again like one not yet seen by every subscriber.
    return publisher.publishRaw(Publisher.MARKER).otherwise(NOT_PUBLISHED).compose(offset ->
        Poll.until(vertx, () -> offset != NOT_PUBLISHED && subscribers.confirmed() == subscribers.all().size(),
                System.currentTimeMillis() + 500)
            .compose(ok -> {
              if (ok) {
                return Future.succeededFuture(offset);
              }
              if (triesLeft > 1) {
                return mark(vertx, subscribers, publisher, triesLeft - 1);
              }
              return Future.failedFuture("only " + subscribers.confirmed() + " of " + subscribers.all().size()
                  + " subscribers confirmed" + (offset == NOT_PUBLISHED ? " (the last marker's publish failed)" : ""));
            }));
  }
}
