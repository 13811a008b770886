package io.herald.gateway.limits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The token bucket under a clock the test drives. */
class TokenBucketTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void startsFullThenRefillsAtItsRateUpToItsCapacity() {
    TokenBucket bucket = new TokenBucket(2, 3, 0);
    assertThat(bucket.tryTake(0, 1)).isTrue();
    assertThat(bucket.tryTake(0, 1)).isTrue();
    assertThat(bucket.tryTake(0, 1)).isTrue();
    assertThat(bucket.tryTake(0, 1)).as("empty").isFalse();
    assertThat(bucket.tryTake(SECOND / 2, 1)).as("one token after half a second at 2/s").isTrue();
    assertThat(bucket.tryTake(SECOND / 2, 1)).isFalse();
    assertThat(bucket.full(100 * SECOND)).as("capped at its capacity").isTrue();
    assertThat(bucket.tryTake(100 * SECOND, 3)).isTrue();
    assertThat(bucket.tryTake(100 * SECOND, 1)).isFalse();
  }

  @Test
  void aCostLargerThanWhatIsLeftTakesNothing() {
    TokenBucket bucket = new TokenBucket(1, 5, 0);
    assertThat(bucket.tryTake(0, 4)).isTrue();
    assertThat(bucket.tryTake(0, 2)).isFalse();
    assertThat(bucket.tryTake(0, 1)).as("the refused take left the last token").isTrue();
  }

  @Test
  void aClockGoingBackwardsAddsNothing() {
    TokenBucket bucket = new TokenBucket(1, 1, 10 * SECOND);
    assertThat(bucket.tryTake(10 * SECOND, 1)).isTrue();
    assertThat(bucket.tryTake(SECOND, 1)).isFalse();
  }
}
