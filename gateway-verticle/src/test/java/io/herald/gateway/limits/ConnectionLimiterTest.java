package io.herald.gateway.limits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's connection slots and per-address table (the node tests cover the codes clients see). */
class ConnectionLimiterTest {

  @Test
  void slotsAreReservedUpToTheLimitAndGivenBack() {
    ConnectionLimiter limiter = new ConnectionLimiter(2, 0, 0, false);
    assertThat(limiter.tryOpen()).isTrue();
    assertThat(limiter.tryOpen()).isTrue();
    assertThat(limiter.tryOpen()).isFalse();
    assertThat(limiter.open()).isEqualTo(2);
    limiter.closed();
    assertThat(limiter.tryOpen()).isTrue();
  }

  @Test
  void noLimitStillCountsOpenConnections() {
    ConnectionLimiter limiter = new ConnectionLimiter(0, 0, 0, false);
    for (int i = 0; i < 1_000; i++) {
      assertThat(limiter.tryOpen()).isTrue();
    }
    assertThat(limiter.open()).isEqualTo(1_000);
  }

  @Test
  void loopbackIsExemptOnlyWhenAskedAndNamesAreNeverLookedUp() {
    ConnectionLimiter exempt = new ConnectionLimiter(0, 1, 1, true);
    ConnectionLimiter strict = new ConnectionLimiter(0, 1, 1, false);
    for (String loopback : new String[] {"127.0.0.1", "127.1.2.3", "0:0:0:0:0:0:0:1"}) {
      assertThat(exempt.allowNewConnection(loopback)).isTrue();
      assertThat(exempt.allowNewConnection(loopback)).as("%s exempt", loopback).isTrue();
      assertThat(strict.allowNewConnection(loopback)).isTrue();
      assertThat(strict.allowNewConnection(loopback)).as("%s limited", loopback).isFalse();
    }
    assertThat(exempt.allowNewConnection("localhost")).isTrue();
    assertThat(exempt.allowNewConnection("localhost")).as("a name is not resolved, so not loopback").isFalse();
  }

  @Test
  void theAddressTableForgetsAddressesWhoseBudgetIsBackInFull() {
    // A million tokens a second: every bucket is full again within microseconds.
    ConnectionLimiter limiter = new ConnectionLimiter(0, 1_000_000, 1, false);
    for (int i = 0; i <= ConnectionLimiter.SWEEP_ABOVE + 1_000; i++) {
      assertThat(limiter.allowNewConnection("10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF))).isTrue();
    }
    assertThat(limiter.trackedAddresses()).isLessThanOrEqualTo(ConnectionLimiter.SWEEP_ABOVE + 1);
  }
}
