package io.herald.gateway.metrics;

import io.herald.core.BuildInfo;
import io.herald.core.CloseCode;
import io.herald.core.Message;
import io.herald.core.PublishStamp;
import io.herald.core.WallClock;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/** Herald's own meters ({@code herald_*} in Prometheus), shared by every gateway instance of a node. */
public final class HeraldMetrics {

  /** Who ended a connection, the {@code initiator} label of {@code herald_disconnects_total}. */
  private enum Initiator {
    /** The peer closed (its close frame's code), or the connection went without a close frame (1006). */
    CLIENT,
    /** The server closed: a limit, auth, drain, a slow consumer, a protocol error... */
    SERVER;

    String tag() {
      return this == CLIENT ? "client" : "server";
    }
  }

  /** RFC 6455 codes of the closes clients make most, registered at start so that they show as 0 before the first. */
  private static final int[] USUAL_CLIENT_CODES = {
      1000, // normal
      1001, // going away (a page closed)
      1005, // a close frame without a code
      1006, // no close frame: the peer vanished, or an SSE client left (SSE has no close frame)
  };
  /** The label of a client's close code outside RFC 6455's 1000-1015: a client picks it, so it is not a label value. */
  private static final String OTHER_CODE = "other";

  private final Timer connectionSetup;
  private final Counter connectionErrors;
  private final Counter published;
  private final Counter delivered;
  private final Timer deliveryLatency;
  private final Timer publishToDeliveryLocal;
  private final Timer publishToDeliveryRemote;
  private final Counter recoveryFailedSince;
  private final Counter recoveryFailedGap;
  private final Counter slowConsumerCloses;
  private final MeterRegistry registry;
  /** By initiator and code: {@link #disconnectKey}. */
  private final Map<Integer, Counter> disconnects = new ConcurrentHashMap<>();
  /** This node's mark in the publish stamps it gives ({@link PublishStamp#origin()}); never 0. */
  private final long origin = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
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
    publishToDeliveryLocal = publishToDelivery(registry, "local");
    publishToDeliveryRemote = publishToDelivery(registry, "remote");
    recoveryFailedSince = recoveryFailed(registry, "since");
    recoveryFailedGap = recoveryFailed(registry, "gap");
    slowConsumerCloses = Counter.builder("herald.slow_consumer.closes")
        .description("Connections closed with 4008 because their outbound queue overflowed").register(registry);
    for (CloseCode code : CloseCode.values()) {
      disconnectCounter(Initiator.SERVER, code.code());
    }
    for (int code : USUAL_CLIENT_CODES) {
      disconnectCounter(Initiator.CLIENT, code);
    }
    BuildInfo build = BuildInfo.current();
    Gauge.builder("herald.build.info", () -> 1).tag("version", build.version()).tag("commit", build.commit())
        .description("This node's build: always 1, its labels say the Herald version and the git commit").register(registry);
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

  private static Timer publishToDelivery(MeterRegistry registry, String hop) {
    return histogram(registry, "herald.publish.to.delivery", "From the publish's acceptance on the node that received it"
        + " to writing the message to this node's subscribers; hop=local: that node is this one, remote: another one"
        + " (across machines, clock skew included)", Duration.ofNanos(10_000), "hop", hop);
  }

  private static Counter recoveryFailed(MeterRegistry registry, String reason) {
    return Counter.builder("herald.recovery.failed").tag("reason", reason)
        .description("Subscriptions that could not recover what they missed: reason=since, history no longer held a"
            + " subscribe's since position; gap, history could not fill a gap in live delivery")
        .register(registry);
  }

  /** A timer published as a Prometheus histogram from {@code min} to 10 s, for latencies; {@code tags}: key, value... */
  public static Timer histogram(MeterRegistry registry, String name, String description, Duration min, String... tags) {
    return Timer.builder(name).tags(tags).description(description).publishPercentileHistogram()
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

  /**
   * The stamp of a publish this node accepts now: the messages carry it to every node that delivers them
   * ({@link #delivered}).
   */
  public PublishStamp stamp() {
    return new PublishStamp(WallClock.micros(), origin);
  }

  /**
   * {@code message} was written to {@code subscribers} local subscribers now: its latency from sequencing, and from
   * its publish's acceptance when it carries a stamp (hop local when this node accepted it).
   */
  public void delivered(int subscribers, Message message) {
    delivered.increment(subscribers);
    long now = WallClock.micros();
    deliveryLatency.record(Math.max(0, now - message.tsMicros()), TimeUnit.MICROSECONDS);
    PublishStamp stamp = message.stamp();
    if (stamp != null) {
      (stamp.acceptedBy(origin) ? publishToDeliveryLocal : publishToDeliveryRemote)
          .record(Math.max(0, now - stamp.micros()), TimeUnit.MICROSECONDS);
    }
  }

  /** A subscribe whose {@code since} history no longer holds: it started from the latest offset instead. */
  public void recoveryFailedSince() {
    recoveryFailedSince.increment();
  }

  /** A gap in a subscription's live delivery that history could not fill: messages were lost to it. */
  public void recoveryFailedGap() {
    recoveryFailedGap.increment();
  }

  /** A connection the server closed with {@code code} (a {@link CloseCode} or a GraphQL protocol code). */
  public void closed(short code) {
    disconnectCounter(Initiator.SERVER, code).increment();
    if (code == CloseCode.SLOW_CONSUMER.code()) {
      slowConsumerCloses.increment();
    }
  }

  /**
   * A connection the client ended: with its close frame's {@code code}, 1005 for a frame without one, 1006 without a
   * frame. Codes outside 1000-1015 (the application's 3000-4999, chosen by the client) count as {@code other}.
   */
  public void closedByClient(int code) {
    disconnectCounter(Initiator.CLIENT, code).increment();
  }

  private Counter disconnectCounter(Initiator initiator, int code) {
    int key = disconnectKey(initiator, code);
    return disconnects.computeIfAbsent(key, k -> Counter.builder("herald.disconnects")
        .tag("code", key < 0 ? OTHER_CODE : Integer.toString(code)).tag("initiator", initiator.tag())
        .description("Connections closed, by close code and by who closed them (client or server)").register(registry));
  }

  /** The map key of a counter: the code, plus 1<<16 for a client's; a client's code out of 1000-1015 is one key, negative. */
  private static int disconnectKey(Initiator initiator, int code) {
    if (initiator == Initiator.SERVER) {
      return code;
    }
    return code >= 1000 && code <= 1015 ? (1 << 16) | code : -1;
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
