package io.herald.broker.impl;

/**
 * An idempotency key a channel remembers: the offset its message got, and when its window is over. A publish
 * that repeats {@code key} before {@code expiresAtMs} is answered with {@code offset} instead of being published.
 */
public record RememberedKey(String key, long offset, long expiresAtMs) {
}
