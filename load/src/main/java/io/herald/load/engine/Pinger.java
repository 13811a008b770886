package io.herald.load.engine;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Application-level heartbeats: every connection of a {@link Subscribers} (/ws) sends
 * {@code {"type":"ping","id":n}} every interval, spread evenly over the interval; each {@code pong}
 * is matched to its ping by id and its round trip recorded. A ping due on a closed socket is unsent.
 */
public final class Pinger {

  private final Vertx vertx;
  private final Subscribers connections;
  private final long intervalMs;
  private final LatencyRecorder latency = new LatencyRecorder();
  private final Map<Long, Long> pending = new ConcurrentHashMap<>();
  /** Ping ids start far above the subscribe request's id 1. */
  private final AtomicLong nextId = new AtomicLong(1_000_000);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong unsent = new AtomicLong();
  private final AtomicLong pongs = new AtomicLong();
  private final AtomicLong unexpected = new AtomicLong();
  private final List<Long> timers = new ArrayList<>();

  public Pinger(Vertx vertx, Subscribers connections, long intervalMs) {
    this.vertx = vertx;
    this.connections = connections;
    this.intervalMs = intervalMs;
    connections.onFrame((s, frame) -> {
      if ("pong".equals(frame.getString("type"))) {
        pong(frame.getLong("id"));
      }
    });
  }

  /** Starts every connection's pings; connection {@code i} of {@code n} first pings after {@code i/n} of an interval. */
  public void start() {
    List<Subscribers.Subscriber> all = connections.all();
    for (int i = 0; i < all.size(); i++) {
      Subscribers.Subscriber s = all.get(i);
      timers.add(vertx.setPeriodic(1 + intervalMs * i / all.size(), intervalMs, id -> ping(s)));
    }
  }

  public void stop() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }

  /** Waits, at most {@code ms}, for the pongs of the pings already sent. */
  public Future<Boolean> drain(long ms) {
    return Poll.until(vertx, pending::isEmpty, System.currentTimeMillis() + ms);
  }

  private void ping(Subscribers.Subscriber s) {
    long id = nextId.incrementAndGet();
    pending.put(id, System.nanoTime());
    if (s.send("{\"type\":\"ping\",\"id\":" + id + "}")) {
      sent.incrementAndGet();
    } else {
      pending.remove(id);
      unsent.incrementAndGet();
    }
  }

  private void pong(Long id) {
    Long sentNanos = id == null ? null : pending.remove(id);
    if (sentNanos == null) {
      unexpected.incrementAndGet();
      return;
    }
    latency.recordMicros((System.nanoTime() - sentNanos) / 1_000);
    pongs.incrementAndGet();
  }

  public long sent() {
    return sent.get();
  }

  public long unsent() {
    return unsent.get();
  }

  public long pongs() {
    return pongs.get();
  }

  /** Pongs with no ping of ours waiting for them. */
  public long unexpected() {
    return unexpected.get();
  }

  public double pongRatePct() {
    return sent.get() == 0 ? 100.0 : 100.0 * pongs.get() / sent.get();
  }

  public LatencyRecorder latency() {
    return latency;
  }
}
