package io.herald.gateway.metrics;

import io.herald.core.CloseCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/** Herald's own meters ({@code herald_*} in Prometheus), shared by every gateway instance of a node. */
public final class HeraldMetrics {

  private final Timer connectionSetup;
  private final Counter connectionErrors;
  private final Counter published;
  private final Counter delivered;
  private final Timer deliveryLatency;
  private final Counter slowConsumerCloses;
  private final MeterRegistry registry;
  private final Map<Short, Counter> disconnects = new ConcurrentHashMap<>();
  private final Counter disconnectsByClient;
  private final AtomicLong subscriptions = new AtomicLong();
  private final AtomicLong channels = new AtomicLong();

  /** @param openConnections the node's open WebSocket count (its connection registry's size) */
  public HeraldMetrics(MeterRegistry registry, IntSupplier openConnections) {
    this.registry = registry;
    // A Supplier gauge holds its function strongly (the object form would hold a method reference weakly).
    Gauge.builder("herald.connections.active", () -> openConnections.getAsInt())
        .description("Open /ws connections").register(registry);
    connectionSetup = histogram(registry, "herald.connection.setup",
        "From WebSocket upgrade request to the connection being ready", Duration.ofNanos(100_000));
    connectionErrors = Counter.builder("herald.connection.errors")
        .description("Failed WebSocket upgrades and connection-level errors").register(registry);
    published = Counter.builder("herald.messages.published")
        .description("Messages published through this node (HTTP API and /ws)").register(registry);
    delivered = Counter.builder("herald.messages.delivered")
        .description("Message frames written to subscribers").register(registry);
    deliveryLatency = histogram(registry, "herald.delivery.latency",
        "From sequencing a message to writing it to this node's subscribers", Duration.ofNanos(10_000));
    slowConsumerCloses = Counter.builder("herald.slow_consumer.closes")
        .description("Connections closed with 4008 because their outbound queue overflowed").register(registry);
    for (CloseCode code : CloseCode.values()) {
      closeCounter(code.code());
    }
    disconnectsByClient = Counter.builder("herald.disconnects").tag("code", "client")
        .description("Connections the server closed, by close code").register(registry);
    Gauge.builder("herald.subscriptions.active", subscriptions, AtomicLong::get)
        .description("Channel subscriptions of /ws connections on this node").register(registry);
    Gauge.builder("herald.channels.active", channels, AtomicLong::get)
        .description("Channels with at least one subscriber on this node (per gateway event loop)").register(registry);
  }

  /**
   * The options of a node's Vert.x: Micrometer metrics with the JVM's, for {@code /metrics}. Vert.x's HTTP and TCP
   * server meters are off: they cost a meter lookup per request and per connection, and WebSockets leave Vert.x after
   * the upgrade (VertxUpgrade), so its connection gauges would never come down. Herald's own
   * {@code herald_connections_*} meters count the WebSockets.
   */
  public static VertxOptions vertxOptions() {
    return new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
            .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER).addDisabledMetricsCategory(MetricsDomain.NET_SERVER));
  }

  /** A timer published as a Prometheus histogram from {@code min} to 10 s, for latencies. */
  public static Timer histogram(MeterRegistry registry, String name, String description, Duration min) {
    return Timer.builder(name).description(description).publishPercentileHistogram()
        .minimumExpectedValue(min).maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
  }

  public void connectionSetup(long nanos) {
    connectionSetup.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** WebSockets (/ws and GraphQL) set up since the node started. */
  public long connectionsOpened() {
    return connectionSetup.count();
  }

  /** Messages accepted for publishing through this node since it started. */
  public long publishedCount() {
    return (long) published.count();
  }

  /** Message frames written to this node's subscribers since it started. */
  public long deliveredCount() {
    return (long) delivered.count();
  }

  public void connectionError() {
    connectionErrors.increment();
  }

  /** {@code count} messages accepted for publishing at once. */
  public void published(int count) {
    published.increment(count);
  }

  /** One message written to {@code subscribers} local subscribers, {@code latencyMs} after sequencing. */
  public void delivered(int subscribers, long latencyMs) {
    delivered.increment(subscribers);
    deliveryLatency.record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
  }

  /** A connection the server closed with {@code code} (a {@link CloseCode} or a GraphQL protocol code). */
  public void closed(short code) {
    closeCounter(code).increment();
    if (code == CloseCode.SLOW_CONSUMER.code()) {
      slowConsumerCloses.increment();
    }
  }

  private Counter closeCounter(short code) {
    return disconnects.computeIfAbsent(code, c -> Counter.builder("herald.disconnects").tag("code", Short.toString(c))
        .description("Connections the server closed, by close code").register(registry));
  }

  public void closedByClient() {
    disconnectsByClient.increment();
  }

  public void subscriptions(int delta) {
    subscriptions.addAndGet(delta);
  }

  public long subscriptionCount() {
    return subscriptions.get();
  }

  public void channels(int delta) {
    channels.addAndGet(delta);
  }
}
