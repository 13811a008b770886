package io.herald.gateway.auth;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One connection's token deadlines: due keys come out earliest first; removed and cleared ones never do. */
class TokenDeadlinesTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();
  private final List<Object> expired = new CopyOnWriteArrayList<>();
  private final TokenDeadlines deadlines = new TokenDeadlines(vertx, expired::add);

  @AfterEach
  void close() {
    vertx.close();
  }

  /** Runs {@code action} on the connection's loop, as the gateway does. */
  private void onLoop(Runnable action) {
    loop.runOnContext(v -> action.run());
  }

  @Test
  void keysExpireEarliestFirstAndRemovedOnesNever() {
    long now = System.currentTimeMillis();
    onLoop(() -> {
      deadlines.set("a", now + 200);
      deadlines.set("b", now + 100); // earlier: re-arms the one timer
      deadlines.set("c", now + 300);
      deadlines.remove("c");
      deadlines.set("never", 0); // no exp: no deadline
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> expired.size() == 2);
    assertThat(expired).containsExactly("b", "a");

    onLoop(() -> deadlines.set("d", System.currentTimeMillis() + 400)); // after c's old deadline
    await().atMost(Duration.ofSeconds(5)).until(() -> expired.size() == 3);
    assertThat(expired).containsExactly("b", "a", "d");
  }

  @Test
  void aRefreshMovesTheDeadlineAndClearForgetsAll() {
    long now = System.currentTimeMillis();
    onLoop(() -> {
      deadlines.set("refreshed", now + 50);
      deadlines.set("refreshed", now + 300); // the timer armed for 50 fires for nothing, re-arms for 300
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> !expired.isEmpty());
    assertThat(expired).containsExactly("refreshed");
    assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(now + 300);

    long later = System.currentTimeMillis();
    onLoop(() -> {
      deadlines.set("cleared", later + 50);
      deadlines.clear(); // the connection closed
      deadlines.set("after", later + 300);
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> expired.size() == 2);
    assertThat(expired).containsExactly("refreshed", "after");
  }
}
