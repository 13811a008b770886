package io.herald.load.engine;

import java.util.BitSet;

/**
 * What one subscriber received of a channel's offsets {@code first..last}: delivered (distinct),
 * duplicated, out of order (arrived after a higher offset) and, once the run is over, missing.
 * Not thread-safe: each subscriber's messages arrive on one event loop.
 */
public final class DeliveryLedger {

  private final BitSet seen = new BitSet();
  private long base = -1;
  private long highest;
  private long received;
  private long duplicated;
  private long outOfOrder;

  /** Counts offsets from {@code firstOffset} on (earlier ones are ignored: they were published before the run). */
  public DeliveryLedger(long firstOffset) {
    this.base = firstOffset;
  }

  public void received(long offset) {
    if (offset < base) {
      return;
    }
    received++;
    int index = (int) (offset - base);
    if (seen.get(index)) {
      duplicated++;
      return;
    }
    seen.set(index);
    if (offset < highest) {
      outOfOrder++;
    }
    highest = Math.max(highest, offset);
  }

  public long delivered() {
    return seen.cardinality();
  }

  public long duplicated() {
    return duplicated;
  }

  public long outOfOrder() {
    return outOfOrder;
  }

  public long received() {
    return received;
  }

  /** Offsets of {@code firstOffset..lastOffset} never received. */
  public long missing(long lastOffset) {
    long expected = Math.max(0, lastOffset - base + 1);
    return expected - seen.get(0, (int) expected).cardinality();
  }
}
