package io.herald.gateway.health;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Readiness of the node: ready once started and while its delivery canary succeeds; not ready (503)
 * while draining or when the canary fails.
 */
public final class NodeState {

  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile boolean delivering = true;
  private final long startedAtMs = System.currentTimeMillis();
  private volatile String address = "";

  public boolean ready() {
    return ready.get() && delivering && !draining.get();
  }

  /** The node is serving on {@code address} (host:port actually bound). */
  public void markReady(String address) {
    this.address = address;
    ready.set(true);
  }

  public String address() {
    return address;
  }

  /** Whether a message published through the broker last came back to this node (see {@link DeliveryCanary}). */
  public void delivering(boolean delivering) {
    this.delivering = delivering;
  }

  public boolean delivering() {
    return delivering;
  }

  /** Starts draining; returns false if it had already started. */
  public boolean startDraining() {
    return draining.compareAndSet(false, true);
  }

  public boolean draining() {
    return draining.get();
  }

  public long uptimeSeconds() {
    return (System.currentTimeMillis() - startedAtMs) / 1000;
  }
}
