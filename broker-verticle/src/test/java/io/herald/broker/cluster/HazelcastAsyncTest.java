package io.herald.broker.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** A Hazelcast call's outcome reaches the caller's Vert.x context, a value or a failure, whichever thread completes it. */
class HazelcastAsyncTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aValueCompletedOnAnotherThreadArrivesOnTheContext() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<String> call = new CompletableFuture<>();
    AtomicReference<Thread> contextThread = new AtomicReference<>();
    AtomicReference<Thread> handledOn = new AtomicReference<>();
    CompletableFuture<String> outcome = new CompletableFuture<>();
    context.runOnContext(v -> {
      contextThread.set(Thread.currentThread());
      HazelcastAsync.onContext(call, context).onComplete(ar -> {
        handledOn.set(Thread.currentThread());
        outcome.complete(ar.result());
      });
      new Thread(() -> call.complete("appended"), "a-response-thread").start();
    });
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("appended");
    assertThat(handledOn.get()).isSameAs(contextThread.get());
  }

  @Test
  void aFailureArrivesAsTheFuturesFailure() throws Exception {
    Context context = vertx.getOrCreateContext();
    IllegalStateException refused = new IllegalStateException("partition moved");
    Future<Object> result = HazelcastAsync.onContext(CompletableFuture.failedFuture(refused), context);
    Throwable cause = result.toCompletionStage().toCompletableFuture().handle((v, t) -> t).get(10, TimeUnit.SECONDS);
    assertThat(cause).isSameAs(refused);
  }
}
