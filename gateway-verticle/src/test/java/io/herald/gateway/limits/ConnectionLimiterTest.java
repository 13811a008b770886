package io.herald.gateway.limits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's connection slots and per-address table (the node tests cover the codes clients see). */
class ConnectionLimiterTest {

  private static ConnectionLimiter limiter(int max, int rate, int burst, boolean exemptLoopback) {
    return new ConnectionLimiter(max, rate, burst, 0, ClientAddresses.of("", exemptLoopback), 100_000);
  }

  @Test
  void slotsAreReservedUpToTheLimitAndGivenBack() {
    ConnectionLimiter limiter = limiter(2, 0, 0, false);
    assertThat(limiter.tryOpen()).isTrue();
    assertThat(limiter.tryOpen()).isTrue();
    assertThat(limiter.tryOpen()).isFalse();
    assertThat(limiter.open()).isEqualTo(2);
    limiter.closed();
    assertThat(limiter.tryOpen()).isTrue();
  }

  @Test
  void noLimitStillCountsOpenConnections() {
    ConnectionLimiter limiter = limiter(0, 0, 0, false);
    for (int i = 0; i < 1_000; i++) {
      assertThat(limiter.tryOpen()).isTrue();
    }
    assertThat(limiter.open()).isEqualTo(1_000);
  }

  @Test
  void loopbackIsExemptOnlyWhenAskedAndNamesAreNeverLookedUp() {
    ConnectionLimiter exempt = limiter(0, 1, 1, true);
    ConnectionLimiter strict = limiter(0, 1, 1, false);
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
    ConnectionLimiter limiter = limiter(0, 1_000_000, 1, false);
    for (int i = 0; i <= ConnectionLimiter.SWEEP_ABOVE + 1_000; i++) {
      assertThat(limiter.allowNewConnection("10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF))).isTrue();
    }
    assertThat(limiter.trackedAddresses()).isLessThanOrEqualTo(ConnectionLimiter.SWEEP_ABOVE + 1);
  }

  @Test
  void anIpv6ClientCountsByItsSlash64() {
    ConnectionLimiter limiter = limiter(0, 1, 2, false);
    assertThat(limiter.allowNewConnection("2001:db8:1:2::1")).isTrue();
    assertThat(limiter.allowNewConnection("2001:db8:1:2:ffff::9")).isTrue();
    assertThat(limiter.allowNewConnection("2001:db8:1:2:abcd::7")).as("the same /64, out of budget").isFalse();
    assertThat(limiter.allowNewConnection("2001:db8:1:3::1")).as("another /64").isTrue();
  }

  @Test
  void theRateTableNeverTracksMoreThanItsBoundEvenWhenEveryAddressIsBusy() {
    // Time stands still: no bucket is full again during the test, so the sweep frees nothing.
    ConnectionLimiter limiter = new ConnectionLimiter(0, 1, 1, 0, ClientAddresses.of("", false), 500, () -> 0L);
    for (int i = 0; i < 2_000; i++) {
      assertThat(limiter.allowNewConnection("10.1." + (i >> 8 & 0xFF) + "." + (i & 0xFF))).isTrue();
    }
    assertThat(limiter.trackedAddresses()).isLessThanOrEqualTo(501);
  }

  @Test
  void busyAddressesDoNotMakeEveryNewOneSweepTheWholeTable() {
    // Busy buckets are never freed: without amortised sweeps each new address would walk the whole table.
    ConnectionLimiter limiter = new ConnectionLimiter(0, 1, 1, 0, ClientAddresses.of("", false), 100_000, () -> 0L);
    for (int i = 0; i < 60_000; i++) {
      limiter.allowNewConnection("10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF));
    }
    assertThat(limiter.trackedAddresses()).isEqualTo(60_000);
    assertThat(limiter.sweeps()).as("sweeps at 10,000, 20,000 and 40,000 tracked addresses").isLessThanOrEqualTo(3);
  }

  @Test
  void openWebSocketsPerAddressAreCappedAndGivenBack() {
    ConnectionLimiter limiter = new ConnectionLimiter(0, 0, 0, 2, ClientAddresses.of("", true), 100_000);
    assertThat(limiter.openFrom("2001:db8::1")).isEqualTo(PerAddressCounts.Admission.COUNTED);
    assertThat(limiter.openFrom("2001:db8::2")).isEqualTo(PerAddressCounts.Admission.COUNTED);
    assertThat(limiter.openFrom("2001:db8::3")).as("third of one /64").isEqualTo(PerAddressCounts.Admission.REFUSED);
    assertThat(limiter.openFrom("127.0.0.1")).as("loopback exempt").isEqualTo(PerAddressCounts.Admission.UNCOUNTED);
    limiter.closedFrom("2001:db8::1");
    assertThat(limiter.openFrom("2001:db8::4")).isEqualTo(PerAddressCounts.Admission.COUNTED);
  }
}
