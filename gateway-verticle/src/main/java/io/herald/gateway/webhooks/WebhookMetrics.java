package io.herald.gateway.webhooks;

import io.herald.core.WallClock;
import io.herald.gateway.metrics.HeraldMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/** The {@code herald_webhooks_*} meters of a node's webhook dispatcher. */
final class WebhookMetrics {

  private final Counter queued;
  private final Counter sent;
  private final Counter droppedQueueFull;
  private final Counter droppedRetriesExhausted;
  private final Counter droppedAtStop;
  private final Counter failedAttempts;
  private final Counter batches;
  private final Timer latency;

  WebhookMetrics(MeterRegistry registry, Collection<?> queue) {
    queued = Counter.builder("herald.webhooks.events.queued")
        .description("Webhook events queued for the backend").register(registry);
    sent = Counter.builder("herald.webhooks.events.sent")
        .description("Webhook events the backend acknowledged (2xx)").register(registry);
    droppedQueueFull = dropped(registry, "queue_full");
    droppedRetriesExhausted = dropped(registry, "retries_exhausted");
    droppedAtStop = dropped(registry, "stopped");
    failedAttempts = Counter.builder("herald.webhooks.attempts.failed")
        .description("Webhook POSTs that failed (no 2xx, connection refused or lost, timeout); each is retried or its batch dropped")
        .register(registry);
    batches = Counter.builder("herald.webhooks.batches.delivered")
        .description("Webhook POSTs the backend acknowledged (2xx)").register(registry);
    latency = HeraldMetrics.histogram(registry, "herald.webhooks.delivery.latency",
        "From a batch's oldest event to the backend's 2xx, retries included", Duration.ofMillis(1));
    Gauge.builder("herald.webhooks.queue.size", queue, Collection::size)
        .description("Webhook events waiting (webhooks.queue_max bounds it)").register(registry);
  }

  private static Counter dropped(MeterRegistry registry, String reason) {
    return Counter.builder("herald.webhooks.events.dropped").tag("reason", reason)
        .description("Webhook events given up: the queue was full, their batch failed every attempt, or the node stopped first")
        .register(registry);
  }

  void queued() {
    queued.increment();
  }

  void queueFull() {
    droppedQueueFull.increment();
  }

  void attemptFailed() {
    failedAttempts.increment();
  }

  void delivered(WebhookBatch batch) {
    batches.increment();
    sent.increment(batch.size);
    latency.record(Math.max(0, WallClock.micros() - batch.oldestMicros), TimeUnit.MICROSECONDS);
  }

  void retriesExhausted(WebhookBatch batch) {
    droppedRetriesExhausted.increment(batch.size);
  }

  /** {@code events} not acknowledged by the end of the node's last round of attempts. */
  void droppedAtStop(int events) {
    droppedAtStop.increment(events);
  }
}
