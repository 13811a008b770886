package io.herald.gateway.hooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The proxy hooks in {@code /metrics}: {@code herald_proxy_calls_total{hook,outcome}}, the latency of the calls
 * made ({@code herald_proxy_call_duration_seconds{hook}}), the calls in flight and whether the breaker is open.
 * Meters are made once, so counting costs no lookup.
 */
final class HookMetrics {

  /** How a hook call ended. */
  enum Outcome {
    /** The backend allowed the operation. */
    ALLOWED,
    /** The backend refused it with an error. */
    REFUSED,
    /** The backend asked for the connection's close. */
    DISCONNECTED,
    /** No usable answer: connection refused or reset, a status other than 200, a malformed or too large body. */
    FAILED,
    /** No answer within proxy.timeout_ms. */
    TIMEOUT,
    /** Not made: the circuit breaker is open. */
    BREAKER_OPEN,
    /** Not made: proxy.max_concurrency calls were in flight. */
    BUSY;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Map<HookKind, Map<Outcome, Counter>> calls = new EnumMap<>(HookKind.class);
  private final Map<HookKind, Timer> durations = new EnumMap<>(HookKind.class);

  HookMetrics(MeterRegistry registry, AtomicInteger inFlight, BooleanSupplier breakerOpen) {
    for (HookKind hook : HookKind.values()) {
      Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
      for (Outcome outcome : Outcome.values()) {
        byOutcome.put(outcome, Counter.builder("herald.proxy.calls").tag("hook", hook.tag()).tag("outcome", outcome.tag())
            .description("Proxy hook calls by hook and outcome").register(registry));
      }
      calls.put(hook, byOutcome);
      durations.put(hook, Timer.builder("herald.proxy.call.duration").tag("hook", hook.tag())
          .description("Time from a proxy hook call to its answer (calls made only)").publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10)).register(registry));
    }
    Gauge.builder("herald.proxy.in_flight", inFlight, AtomicInteger::get)
        .description("Proxy hook calls in flight on this node").register(registry);
    Gauge.builder("herald.proxy.breaker.open", () -> breakerOpen.getAsBoolean() ? 1 : 0)
        .description("1 while the proxy hooks' circuit breaker is open").register(registry);
  }

  void counted(HookKind hook, Outcome outcome) {
    calls.get(hook).get(outcome).increment();
  }

  void timed(HookKind hook, long nanos) {
    durations.get(hook).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
