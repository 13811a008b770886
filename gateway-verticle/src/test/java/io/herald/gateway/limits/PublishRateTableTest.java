package io.herald.gateway.limits;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The node-wide table of HTTP publish rates: per key, and bounded however many keys a client rotates through. */
class PublishRateTableTest {

  static Vertx vertx;
  static LimitEvents limits;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    limits = LimitEvents.of(vertx, new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @Test
  void eachKeyHasItsOwnBucket() {
    PublishRateTable table = new PublishRateTable(1, 3, 100, false, limits);
    assertThat(table.allow(null, "10.0.0.1", null, 2)).isTrue();
    assertThat(table.allow(null, "10.0.0.1", null, 1)).isTrue();
    assertThat(table.allow(null, "10.0.0.1", null, 1)).isFalse();
    assertThat(table.allow("alice", "10.0.0.1", null, 3)).as("a user is not its address").isTrue();
    assertThat(table.allow(null, "10.0.0.2", null, 3)).isTrue();
  }

  @Test
  void rotatingKeysNeverGrowsItPastTheBound() {
    PublishRateTable table = new PublishRateTable(1, 3, 50, false, limits);
    for (int i = 0; i < 10_000; i++) {
      table.allow(null, "10.1." + (i / 256) + "." + (i % 256), null, 1);
      assertThat(table.size()).isLessThanOrEqualTo(50);
    }
  }

  @Test
  void anonymousLoopbackCallersAreExemptWhenConfigured() {
    PublishRateTable table = new PublishRateTable(1, 1, 10, true, limits);
    for (int i = 0; i < 10; i++) {
      assertThat(table.allow(null, "127.0.0.1", null, 1)).isTrue();
    }
    assertThat(table.allow("alice", "127.0.0.1", null, 1)).isTrue();
    assertThat(table.allow("alice", "127.0.0.1", null, 1)).as("a user is limited wherever it connects from").isFalse();
    assertThat(table.allow(null, "10.0.0.1", null, 1)).isTrue();
    assertThat(table.allow(null, "10.0.0.1", null, 1)).isFalse();
  }

  @Test
  void rateZeroIsNoLimit() {
    PublishRateTable table = new PublishRateTable(0, 1, 10, false, limits);
    for (int i = 0; i < 100; i++) {
      assertThat(table.allow(null, "10.0.0.1", null, 5)).isTrue();
    }
    assertThat(table.size()).isZero();
  }
}
