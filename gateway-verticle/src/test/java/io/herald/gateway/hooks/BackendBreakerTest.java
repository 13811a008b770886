package io.herald.gateway.hooks;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The hooks' circuit breaker: opens after consecutive failures, lets one trial through after the reset time. */
class BackendBreakerTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final BackendBreaker breaker = new BackendBreaker(3, 500, now::get);

  @Test
  void opensAfterConsecutiveFailuresOnly() {
    breaker.failed();
    breaker.failed();
    breaker.succeeded(); // a success in between starts the count again
    breaker.failed();
    breaker.failed();
    assertThat(breaker.allows()).isTrue();
    breaker.failed();
    assertThat(breaker.open()).isTrue();
    assertThat(breaker.allows()).isFalse();
  }

  @Test
  void afterTheResetTimeOneTrialGoesAndDecides() {
    for (int i = 0; i < 3; i++) {
      breaker.failed();
    }
    now.addAndGet(500);
    assertThat(breaker.allows()).as("the trial").isTrue();
    assertThat(breaker.allows()).as("others wait for the trial").isFalse();
    breaker.failed();
    assertThat(breaker.allows()).as("a failed trial opens it again").isFalse();
    now.addAndGet(500);
    assertThat(breaker.allows()).isTrue();
    breaker.succeeded();
    assertThat(breaker.open()).isFalse();
    assertThat(breaker.allows()).isTrue();
    assertThat(breaker.allows()).isTrue();
  }

  @Test
  void zeroFailuresMeansNoBreaker() {
    BackendBreaker none = new BackendBreaker(0, 500, now::get);
    for (int i = 0; i < 100; i++) {
      none.failed();
    }
    assertThat(none.allows()).isTrue();
  }
}
