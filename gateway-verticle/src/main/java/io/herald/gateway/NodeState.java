package io.herald.gateway;

import java.util.concurrent.atomic.AtomicBoolean;

/** Readiness of the node: ready once started, not ready (503) while draining. */
public final class NodeState {

  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final long startedAtMs = System.currentTimeMillis();
  private volatile String address = "";

  public boolean ready() {
    return ready.get() && !draining.get();
  }

  /** The node is serving on {@code address} (host:port actually bound). */
  public void markReady(String address) {
    this.address = address;
    ready.set(true);
  }

  public String address() {
    return address;
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
