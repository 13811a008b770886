package io.herald.gateway.webhooks;

/** Pauses between the attempts of a batch: webhooks.retry_initial_ms, doubling each time, capped at webhooks.retry_max_ms. */
record RetryBackoff(long initialMs, long maxMs) {

  /** The pause after the {@code failed}-th failed attempt (1: the first). */
  long delayMs(int failed) {
    int doublings = Math.min(Math.max(0, failed - 1), 32); // 2^32 times any initial pause is past every cap
    long delay = initialMs << doublings;
    return delay < 0 || delay > maxMs ? maxMs : delay;
  }
}
