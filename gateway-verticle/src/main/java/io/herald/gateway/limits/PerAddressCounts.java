package io.herald.gateway.limits;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per client address group, capped at {@code max} each. An entry lives only while its
 * address holds a connection, and the table never holds more than {@code maxTracked} addresses: past
 * that, a new address is let through uncounted (refusing it would let an attacker with many addresses
 * lock everyone else out; the node-wide caps still bound what it can open). Thread-safe.
 */
public final class PerAddressCounts {

  /** What {@link #open} decided. Only a {@code COUNTED} connection is given back with {@link #closed}. */
  public enum Admission { COUNTED, UNCOUNTED, REFUSED }

  private final int max;
  private final int maxTracked;
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  /** {@code max} 0: no limit (nothing is counted). */
  public PerAddressCounts(int max, int maxTracked) {
    this.max = max;
    this.maxTracked = maxTracked;
  }

  /** One more connection from {@code group} (see {@link ClientAddresses#group}). */
  public Admission open(String group) {
    if (max == 0 || group == null) {
      return Admission.UNCOUNTED;
    }
    Admission[] result = new Admission[1];
    counts.compute(group, (k, n) -> {
      if (n == null) {
        if (counts.size() >= maxTracked) {
          result[0] = Admission.UNCOUNTED;
          return null;
        }
        result[0] = Admission.COUNTED;
        return 1;
      }
      if (n >= max) {
        result[0] = Admission.REFUSED;
        return n;
      }
      result[0] = Admission.COUNTED;
      return n + 1;
    });
    return result[0];
  }

  /** Gives back a connection {@link #open} counted. */
  public void closed(String group) {
    counts.computeIfPresent(group, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Addresses holding a connection. */
  public int tracked() {
    return counts.size();
  }
}
