package io.herald.broker.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A Hazelcast call's result on a Vert.x context, handed over by the Hazelcast thread that completes it (the response
 * thread, or the caller when it is already done) straight to the context's event loop.
 * <p>
 * Not {@code Future.fromCompletionStage}: it registers with {@code whenComplete}, which Hazelcast's futures run on
 * their default async executor, and on a machine with fewer than three cores (the common pool's parallelism 1) that
 * executor starts a new thread for every callback ({@code ConcurrencyUtil}: {@code new Thread(command).start()}):
 * one thread per append, a thread start on every message's path (docs/performance.md, "the hop").
 */
final class HazelcastAsync {

  /** Runs a callback on the thread that completes the future: it only hands the result to an event loop. */
  private static final Executor CALLER_RUNS = Runnable::run;

  private HazelcastAsync() {
  }

  /** {@code stage}'s outcome, completed on {@code context}. */
  static <T> Future<T> onContext(CompletionStage<T> stage, Context context) {
    Promise<T> promise = Promise.promise();
    stage.whenCompleteAsync((value, failure) -> context.runOnContext(v -> {
      if (failure == null) {
        promise.complete(value);
      } else {
        promise.fail(failure);
      }
    }), CALLER_RUNS);
    return promise.future();
  }
}
