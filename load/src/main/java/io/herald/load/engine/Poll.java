package io.herald.load.engine;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits on a Vert.x timer: never a loop without a deadline, never a blocked thread. */
public final class Poll {

  private static final long EVERY_MS = 10;

  private Poll() {
  }

  /** Completes with true once {@code condition} holds, or false when {@code deadlineMillis} (epoch ms) passes. */
  public static Future<Boolean> until(Vertx vertx, BooleanSupplier condition, long deadlineMillis) {
    return untilAsync(vertx, () -> Future.succeededFuture(condition.getAsBoolean()), deadlineMillis);
  }

  /** As {@link #until}, for a condition that must be fetched (a failed check counts as not yet). */
  public static Future<Boolean> untilAsync(Vertx vertx, Supplier<Future<Boolean>> condition, long deadlineMillis) {
    Promise<Boolean> done = Promise.promise();
    check(vertx, condition, deadlineMillis, done);
    return done.future();
  }

  private static void check(Vertx vertx, Supplier<Future<Boolean>> condition, long deadline, Promise<Boolean> done) {
    condition.get().otherwise(false).onSuccess(ok -> {
      if (ok) {
        done.complete(true);
      } else if (System.currentTimeMillis() >= deadline) {
        done.complete(false);
      } else {
        vertx.setTimer(EVERY_MS, id -> check(vertx, condition, deadline, done));
      }
    });
  }

  /** Completes after {@code ms} milliseconds. */
  public static Future<Void> delay(Vertx vertx, long ms) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(Math.max(1, ms), id -> done.complete());
    return done.future();
  }
}
