package io.herald.core;

import java.util.List;

/** The nodes of the cluster, by member id (a standalone node is a cluster of one). */
public interface Membership {

  /** This node's member id: the name of its inbox and sequencer addresses. */
  String self();

  /** Every member id, this node's included. */
  List<String> members();

  /**
   * Runs {@code action} whenever this node comes back into a cluster that had given it up: its half of a split
   * merged into the other half, where the survivors had removed it from every channel's watchers. A standalone
   * node never does.
   */
  default void whenRejoined(Runnable action) {
  }

  static Membership standalone(String self) {
    return new Membership() {
      @Override
      public String self() {
        return self;
      }

      @Override
      public List<String> members() {
        return List.of(self);
      }
    };
  }
}
