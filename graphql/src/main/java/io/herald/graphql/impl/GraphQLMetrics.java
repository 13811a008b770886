package io.herald.graphql.impl;

import io.herald.gateway.metrics.HeraldMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** GraphQL meters ({@code herald_graphql_*}), shared by every event loop of a node. */
public final class GraphQLMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> operations = new ConcurrentHashMap<>();
  private final AtomicLong subscriptions = new AtomicLong();
  private final Timer subscriptionSetup;
  private final DistributionSummary depth;
  private final DistributionSummary complexity;
  private final Timer deliveryLatency;

  public GraphQLMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("herald.graphql.subscriptions.active", subscriptions, AtomicLong::get)
        .description("Running GraphQL subscriptions").register(registry);
    subscriptionSetup = HeraldMetrics.histogram(registry, "herald.graphql.subscription.setup",
        "From a subscribe message to the subscription being live (history replayed)", Duration.ofNanos(100_000));
    depth = DistributionSummary.builder("herald.graphql.operation.depth")
        .description("Field depth of GraphQL operations").register(registry);
    complexity = DistributionSummary.builder("herald.graphql.operation.complexity")
        .description("Complexity of GraphQL operations").register(registry);
    deliveryLatency = HeraldMetrics.histogram(registry, "herald.graphql.delivery.latency",
        "From sequencing a message to writing its next payload to GraphQL subscribers", Duration.ofNanos(10_000));
  }

  /** One operation of {@code type} (query, mutation, subscription) that ended with {@code outcome} (ok, error). */
  void operation(String type, String outcome) {
    operations.computeIfAbsent(type + "/" + outcome, k -> Counter.builder("herald.graphql.operations")
        .tag("type", type).tag("outcome", outcome).description("GraphQL operations by type and outcome")
        .register(registry)).increment();
  }

  void measured(OperationLimits.Measures m) {
    depth.record(m.depth());
    complexity.record(m.complexity());
  }

  void subscriptions(int delta) {
    subscriptions.addAndGet(delta);
  }

  void subscriptionSetup(long nanos) {
    subscriptionSetup.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A payload written {@code latencyMicros} after its message was sequenced. */
  void delivered(long latencyMicros) {
    deliveryLatency.record(Math.max(0, latencyMicros), TimeUnit.MICROSECONDS);
  }
}
