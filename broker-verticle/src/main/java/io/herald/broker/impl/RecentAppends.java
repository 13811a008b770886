package io.herald.broker.impl;

import io.herald.core.Publication;

import java.util.ArrayList;
import java.util.List;

/**
 * The results of a channel's last few appends, by the id their caller gave them. Hazelcast runs an entry processor
 * again when the member that ran it left before answering (it retries the invocation on the partition's new owner,
 * whose copy, promoted from the backup, already holds the append): an append whose id is here is answered with
 * its earlier result instead of being appended twice. A handful is enough: the retry follows the member's removal
 * at once, and a channel's appends run one at a time.
 */
public final class RecentAppends {

  /** How many appends are remembered. */
  static final int SIZE = 4;

  /** One remembered append: its id and what it was answered. */
  public record Entry(long id, Publication result) {
  }

  private final long[] ids = new long[SIZE];
  private final Publication[] results = new Publication[SIZE];
  /** Where the next append goes; the oldest is overwritten. */
  private int next;

  /** The result of the append with {@code id}, or null if it is not one of the last few. */
  Publication resultOf(long id) {
    for (int i = 0; i < SIZE; i++) {
      if (results[i] != null && ids[i] == id) {
        return results[i];
      }
    }
    return null;
  }

  void remember(long id, Publication result) {
    ids[next] = id;
    results[next] = result;
    next = (next + 1) % SIZE;
  }

  /** The remembered appends, oldest first: what a copy of the channel carries. */
  List<Entry> entries() {
    List<Entry> entries = new ArrayList<>(SIZE);
    for (int i = 0; i < SIZE; i++) {
      int slot = (next + i) % SIZE;
      if (results[slot] != null) {
        entries.add(new Entry(ids[slot], results[slot]));
      }
    }
    return entries;
  }

  static RecentAppends restore(List<Entry> entries) {
    RecentAppends appends = new RecentAppends();
    entries.forEach(e -> appends.remember(e.id(), e.result()));
    return appends;
  }
}
