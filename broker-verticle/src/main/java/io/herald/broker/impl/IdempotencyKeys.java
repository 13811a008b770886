package io.herald.broker.impl;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The idempotency keys a channel published recently, each with the offset its message got, oldest first:
 * a publish that repeats one within its window is answered with that offset instead of being published
 * again. Kept in the channel's {@link ChannelLog}, so it is backed up and moves with it. Bounded by a
 * count ({@code publish.idempotency_max_keys}: beyond it the oldest go early) and accounted in bytes
 * against broker.max_history_bytes. Not thread-safe.
 */
final class IdempotencyKeys {

  /** A remembered key's cost besides its characters: map entry, node links, the boxed record. */
  static final int KEY_OVERHEAD_BYTES = 96;

  private final LinkedHashMap<String, RememberedKey> keys = new LinkedHashMap<>();
  private long bytes;

  /** The keys {@link #remembered} listed, with their bytes. */
  static IdempotencyKeys restore(List<RememberedKey> remembered) {
    IdempotencyKeys restored = new IdempotencyKeys();
    for (RememberedKey k : remembered) {
      restored.remember(k.key(), k.offset(), k.expiresAtMs(), Integer.MAX_VALUE);
    }
    return restored;
  }

  /** The offset {@code key}'s message got, or 0 when the key is unknown or its window is over. */
  long offsetOf(String key, long now) {
    RememberedKey k = keys.get(key);
    return k == null || k.expiresAtMs() <= now ? 0 : k.offset();
  }

  /** Remembers that {@code key}'s message got {@code offset}, until {@code expiresAtMs}; at most {@code max} keys. */
  void remember(String key, long offset, long expiresAtMs, int max) {
    RememberedKey old = keys.put(key, new RememberedKey(key, offset, expiresAtMs));
    if (old == null) {
      bytes += cost(key);
    }
    while (keys.size() > max) {
      removeOldest();
    }
  }

  /** Forgets the keys whose window is over by {@code now}. Oldest first, so it stops at the first live one. */
  void expire(long now) {
    Iterator<Map.Entry<String, RememberedKey>> it = keys.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, RememberedKey> e = it.next();
      if (e.getValue().expiresAtMs() > now) {
        return;
      }
      bytes -= cost(e.getKey());
      it.remove();
    }
  }

  /** Forgets the oldest key; returns the bytes freed (0 when none is left). */
  long removeOldest() {
    Iterator<String> it = keys.keySet().iterator();
    if (!it.hasNext()) {
      return 0;
    }
    long freed = cost(it.next());
    it.remove();
    bytes -= freed;
    return freed;
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  int size() {
    return keys.size();
  }

  /** Accounted bytes of the remembered keys. */
  long bytes() {
    return bytes;
  }

  private static long cost(String key) {
    return 2L * key.length() + KEY_OVERHEAD_BYTES;
  }

  /** The remembered keys, oldest first. */
  List<RememberedKey> remembered() {
    return List.copyOf(keys.values());
  }
}
