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

  @Test
  void takingOwingGoesIntoDebtAndSaysHowLongItTakesToRepay() {
    TokenBucket bucket = new TokenBucket(1000, 1000, 0);
    assertThat(bucket.takeOwing(0, 600)).as("within the bucket").isZero();
    assertThat(bucket.takeOwing(0, 900)).as("500 owed at 1,000/s").isEqualTo(SECOND / 2);
    assertThat(bucket.tryTake(SECOND / 4, 1)).as("still owing 250").isFalse();
    assertThat(bucket.takeOwing(SECOND / 2, 0)).as("repaid").isZero();
    assertThat(bucket.tryTake(SECOND / 2, 1)).isFalse();
    assertThat(bucket.tryTake(SECOND / 2 + SECOND / 1000, 1)).isTrue();
  }
}
