package io.herald.load.engine;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * One measured stretch of publishing to subscribers that are already open: a marker message proves
 * every subscription live (graphql-transport-ws has no "subscribed" reply), counting starts after it,
 * then {@code count} messages go out at {@code rate}, and the run ends when every subscriber has them
 * all or {@code drainMs} after the last answer.
 */
public final class FanoutRun {

  /** What a run measured. */
  public record Figures(long published, long publishErrors, long notSent, long subscribers, long expected,
                        long delivered, long missing, long duplicated, long outOfOrder, double seconds,
                        LatencyRecorder.Summary latency, LatencyRecorder recorder) {
    public double deliveryRatePct() {
      return expected == 0 ? 100.0 : 100.0 * delivered / expected;
    }

    public double deliveriesPerSecond() {
      return seconds == 0 ? 0 : delivered / seconds;
    }
  }

  private FanoutRun() {
  }

  public static Future<Figures> run(Vertx vertx, Subscribers subscribers, Publisher publisher, double rate, long count,
                                    long drainMs) {
    return mark(vertx, subscribers, publisher, 20).compose(markerOffset -> {
      // The ledger's keys: Herald's offsets (the run's messages follow the marker), or for a peer without
      // offsets the publish indexes data.i this run will use.
      long first = subscribers.peer().keysByOffset() ? markerOffset + 1 : publisher.nextIndex();
      subscribers.startCounting(first);
      long start = System.nanoTime();
      long sentBefore = publisher.sent();
      long errorsBefore = publisher.errors();
      long notSentBefore = publisher.notSent();
      return publisher.run(rate, count)
          .compose(v -> awaitDeliveries(vertx, subscribers, count * subscribers.all().size(),
              System.currentTimeMillis() + drainMs))
          .map(v -> {
            double seconds = (System.nanoTime() - start) / 1e9;
            long last = first + count - 1;
            long missing = 0;
            long dup = 0;
            long ooo = 0;
            for (Subscribers.Subscriber s : subscribers.all()) {
              missing += s.ledger().missing(last);
              dup += s.ledger().duplicated();
              ooo += s.ledger().outOfOrder();
            }
            long n = subscribers.all().size();
            return new Figures(publisher.sent() - sentBefore, publisher.errors() - errorsBefore,
                publisher.notSent() - notSentBefore, n, count * n, subscribers.delivered(), missing, dup, ooo, seconds,
                subscribers.latency().summary(), subscribers.latency());
          });
    });
  }

  /** Publishes markers until every subscriber has confirmed; completes with the last marker's offset (-1 if none). */
  private static Future<Long> mark(Vertx vertx, Subscribers subscribers, Publisher publisher, int triesLeft) {
    return publisher.publishRaw("{\"marker\":true}").compose(offset -> {
      Promise<Long> confirmed = Promise.promise();
      long deadline = System.currentTimeMillis() + 500;
      poll(vertx, () -> subscribers.confirmed() == subscribers.all().size(), deadline, ok -> {
        if (ok) {
          confirmed.complete(offset);
        } else if (triesLeft > 1) {
          mark(vertx, subscribers, publisher, triesLeft - 1).onComplete(confirmed);
        } else {
          confirmed.fail("only " + subscribers.confirmed() + " of " + subscribers.all().size() + " subscribers confirmed");
        }
      });
      return confirmed.future();
    });
  }

  private static Future<Void> awaitDeliveries(Vertx vertx, Subscribers subscribers, long expected, long deadline) {
    Promise<Void> done = Promise.promise();
    poll(vertx, () -> subscribers.delivered() >= expected, deadline, ok -> done.complete());
    return done.future();
  }

  /** Checks {@code condition} every 10 ms until it holds or {@code deadline} passes. */
  static void poll(Vertx vertx, java.util.function.BooleanSupplier condition, long deadline,
                   io.vertx.core.Handler<Boolean> then) {
    if (condition.getAsBoolean()) {
      then.handle(true);
    } else if (System.currentTimeMillis() >= deadline) {
      then.handle(false);
    } else {
      vertx.setTimer(10, id -> poll(vertx, condition, deadline, then));
    }
  }
}
