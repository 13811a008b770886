package io.herald.core;

import java.util.Arrays;

/**
 * Where the messages of one publish went, in the order they were sent. Messages that were published get
 * consecutive offsets of {@code epoch} from {@code firstOffset}; a message whose idempotency key the channel
 * had already published within its window was not published again and answers the offset it got then.
 *
 * @param duplicateOf null when no message was a repeat (always so without idempotency keys); else, per
 *                    message, the offset it already had, or 0 when it was published now
 */
public record Publication(String epoch, long firstOffset, long[] duplicateOf) {

  /** Messages published now with consecutive offsets from {@code firstOffset}: no repeat among them. */
  public static Publication of(String epoch, long firstOffset) {
    return new Publication(epoch, firstOffset, null);
  }

  /** Whether message {@code i} was a repeat of an earlier publish, not published again. */
  public boolean duplicate(int i) {
    return duplicateOf != null && duplicateOf[i] != 0;
  }

  /** Whether the first message started its channel: published now at offset 1. */
  public boolean created() {
    return !duplicate(0) && firstOffset == 1;
  }

  /** The offset of each of the {@code count} messages. */
  public long[] offsets(int count) {
    long[] offsets = new long[count];
    long next = firstOffset;
    for (int i = 0; i < count; i++) {
      offsets[i] = duplicate(i) ? duplicateOf[i] : next++;
    }
    return offsets;
  }

  /** The position of the first message: the result of a single publish. */
  public StreamPosition first() {
    return new StreamPosition(epoch, duplicate(0) ? duplicateOf[0] : firstOffset);
  }

  /**
   * The part of a publish of several requests that is the messages {@code from} to {@code from + count}: its
   * published messages start after the ones published before {@code from}.
   */
  public Publication slice(int from, int count) {
    if (duplicateOf == null) {
      return of(epoch, firstOffset + from);
    }
    long first = firstOffset;
    for (int i = 0; i < from; i++) {
      if (duplicateOf[i] == 0) {
        first++;
      }
    }
    long[] part = Arrays.copyOfRange(duplicateOf, from, from + count);
    return new Publication(epoch, first, Arrays.stream(part).allMatch(o -> o == 0) ? null : part);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Publication p && epoch.equals(p.epoch) && firstOffset == p.firstOffset
        && Arrays.equals(duplicateOf, p.duplicateOf);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * epoch.hashCode() + Long.hashCode(firstOffset)) + Arrays.hashCode(duplicateOf);
  }

  @Override
  public String toString() {
    return "Publication[" + epoch + ", " + firstOffset + ", " + Arrays.toString(duplicateOf) + "]";
  }
}
