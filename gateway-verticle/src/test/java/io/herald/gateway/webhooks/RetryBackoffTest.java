package io.herald.gateway.webhooks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBackoffTest {

  @Test
  void doublesFromTheInitialPauseUpToTheCap() {
    RetryBackoff backoff = new RetryBackoff(200, 1_000);
    assertThat(backoff.delayMs(1)).isEqualTo(200);
    assertThat(backoff.delayMs(2)).isEqualTo(400);
    assertThat(backoff.delayMs(3)).isEqualTo(800);
    assertThat(backoff.delayMs(4)).isEqualTo(1_000);
    assertThat(backoff.delayMs(1_000)).as("no overflow however many attempts").isEqualTo(1_000);
  }

  @Test
  void aHugeInitialPauseIsCappedNotOverflowed() {
    RetryBackoff backoff = new RetryBackoff(Long.MAX_VALUE / 2, Long.MAX_VALUE);
    assertThat(backoff.delayMs(3)).isEqualTo(Long.MAX_VALUE);
  }
}
