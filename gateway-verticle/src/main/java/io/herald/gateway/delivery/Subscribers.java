package io.herald.gateway.delivery;

import io.herald.core.Message;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * One channel's subscribers on one event loop. Joining and leaving cost O(1) whatever the channel's size (each
 * subscription knows its slot): a copy-on-write array paid a copy of every subscriber per join, 20 KB of garbage
 * a join at 5,000 subscribers and quadratic work for a crowd joining one channel. A dispatch may end
 * subscriptions (a slow consumer closed mid-loop): those leave a hole, closed once the dispatch is over, so the
 * loop neither skips nor repeats anyone. Subscribers that join during a dispatch are not part of it. Not
 * thread-safe: one event loop owns it.
 */
final class Subscribers {

  private static final Logger LOG = LoggerFactory.getLogger(Subscribers.class);
  private static final Subscription[] NONE = new Subscription[0];

  private Subscription[] slots = NONE;
  /** Slots in use, holes included. */
  private int used;
  /** Subscribers present (slots in use minus holes). */
  private int count;
  private int dispatching;
  private boolean holes;

  void add(Subscription s) {
    if (used == slots.length) {
      slots = Arrays.copyOf(slots, Math.max(4, used * 2));
    }
    slots[used] = s;
    s.slot = used++;
    count++;
  }

  /** Removes {@code s}; false when it was not here. */
  boolean remove(Subscription s) {
    int i = s.slot;
    if (i < 0 || i >= used || slots[i] != s) {
      return false;
    }
    s.slot = -1;
    count--;
    if (dispatching > 0) {
      slots[i] = null;
      holes = true;
    } else {
      Subscription last = slots[--used];
      slots[used] = null;
      if (last != s) {
        slots[i] = last;
        last.slot = i;
      }
      shrinkIfSparse();
    }
    return true;
  }

  int size() {
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /**
   * Offers {@code message} to each subscriber present when the dispatch starts (and still present when its turn
   * comes); returns how many wrote it. One subscriber's failure does not cost the others the message.
   */
  int offer(Message message) {
    int end = used;
    int written = 0;
    dispatching++;
    try {
      for (int i = 0; i < end; i++) {
        Subscription s = slots[i];
        if (s == null) {
          continue;
        }
        try {
          if (s.offer(message)) {
            written++;
          }
        } catch (RuntimeException e) {
          LOG.atWarn().addKeyValue("channel", message.channel()).setCause(e).log("delivery to a subscriber failed");
        }
      }
    } finally {
      dispatchDone();
    }
    return written;
  }

  /** Pushes {@code frame} (join, leave) to each subscriber, as {@link #offer}. */
  void push(Buffer frame) {
    int end = used;
    dispatching++;
    try {
      for (int i = 0; i < end; i++) {
        Subscription s = slots[i];
        if (s != null) {
          s.push(frame);
        }
      }
    } finally {
      dispatchDone();
    }
  }

  private void dispatchDone() {
    if (--dispatching == 0 && holes) {
      closeHoles();
    }
  }

  private void closeHoles() {
    holes = false;
    int kept = 0;
    for (int i = 0; i < used; i++) {
      Subscription s = slots[i];
      if (s != null) {
        slots[kept] = s;
        s.slot = kept++;
      }
    }
    Arrays.fill(slots, kept, used, null);
    used = kept;
    shrinkIfSparse();
  }

  /** A channel that had a crowd and lost it gives the memory back. */
  private void shrinkIfSparse() {
    if (slots.length > 16 && used < slots.length / 4) {
      slots = Arrays.copyOf(slots, slots.length / 2);
    }
  }
}
