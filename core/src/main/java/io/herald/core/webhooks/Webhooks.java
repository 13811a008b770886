package io.herald.core.webhooks;

/**
 * Where a node's webhook events go: the node's one dispatcher, or nowhere when webhooks are off. Producers (the
 * sequencers, the gateway loops, the cluster's membership listener) ask {@link #wants} before they build an event,
 * so a type that is not enabled costs one check. Thread-safe, and {@link #emit} never blocks: the event is queued
 * (or, when the queue is full, dropped and counted).
 */
public interface Webhooks {

  /** Webhooks off: nothing is wanted. */
  Webhooks OFF = new Webhooks() {
    @Override
    public boolean wants(WebhookEvent.Type type) {
      return false;
    }

    @Override
    public void emit(WebhookEvent event) {
    }
  };

  /** Whether events of {@code type} are sent (webhooks.url set, and the type in webhooks.events). */
  boolean wants(WebhookEvent.Type type);

  /** Queues {@code event} for the backend; never blocks. */
  void emit(WebhookEvent event);
}
