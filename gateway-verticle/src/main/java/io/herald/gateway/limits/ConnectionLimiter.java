package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node-wide limits on WebSocket connections (/ws and GraphQL), shared by every gateway event loop:
 * <ul>
 *   <li>{@code ws.max_connections} open at once: the upgrade is reserved a slot before it is accepted,
 *   and a connection over the limit is accepted and closed at once with 4009 (a browser sees only 1006 for a
 *   refused upgrade, a close code tells it why);</li>
 *   <li>{@code ws.connect_rate_per_ip} new connections per second from one IP address, with bursts of
 *   {@code ws.connect_burst_per_ip}: refused with HTTP 429 before the upgrade. Loopback addresses are exempt
 *   while {@code ws.connect_rate_exempt_loopback} is on (a local reverse proxy or load tool is one IP for
 *   everyone).</li>
 * </ul>
 * The per-IP buckets are forgotten once full again, so the table holds only addresses that connected
 * recently; a sweep bounds it when many addresses do.
 */
public final class ConnectionLimiter implements Shareable {

  /** Above this many tracked addresses, each new one first sweeps out the idle ones. */
  static final int SWEEP_ABOVE = 10_000;

  private final int maxConnections;
  private final int ratePerIp;
  private final int burstPerIp;
  private final boolean exemptLoopback;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<String, TokenBucket> perIp = new ConcurrentHashMap<>();

  ConnectionLimiter(int maxConnections, int ratePerIp, int burstPerIp, boolean exemptLoopback) {
    this.maxConnections = maxConnections;
    this.ratePerIp = ratePerIp;
    this.burstPerIp = Math.max(burstPerIp, 1);
    this.exemptLoopback = exemptLoopback;
  }

  /** The node's limiter: one per Vert.x instance (one per node), created by the first gateway that asks. */
  public static ConnectionLimiter of(Vertx vertx, HeraldConfig config) {
    return vertx.sharedData().<String, ConnectionLimiter>getLocalMap("herald.limits")
        .computeIfAbsent("connections", k -> new ConnectionLimiter(config.get(HeraldConfig.WS_MAX_CONNECTIONS),
            config.get(HeraldConfig.WS_CONNECT_RATE_PER_IP), config.get(HeraldConfig.WS_CONNECT_BURST_PER_IP),
            config.get(HeraldConfig.WS_CONNECT_RATE_EXEMPT_LOOPBACK)));
  }

  /** Whether {@code ip} may open one more connection now (and counts it). */
  public boolean allowNewConnection(String ip) {
    if (ratePerIp == 0 || (exemptLoopback && loopback(ip))) {
      return true;
    }
    long now = System.nanoTime();
    if (perIp.size() > SWEEP_ABOVE && !perIp.containsKey(ip)) {
      perIp.entrySet().removeIf(e -> {
        synchronized (e.getValue()) {
          return e.getValue().full(now);
        }
      });
    }
    TokenBucket bucket = perIp.computeIfAbsent(ip, k -> new TokenBucket(ratePerIp, burstPerIp, now));
    synchronized (bucket) {
      return bucket.tryTake(now, 1);
    }
  }

  /** Whether {@code ip} (a literal address) is a loopback address: 127.0.0.0/8 or ::1. */
  static boolean loopback(String ip) {
    try {
      // A literal address: no lookup happens.
      return ip != null && ip.matches("[0-9A-Fa-f:.]+") && InetAddress.getByName(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Reserves a slot for one more open connection; false when {@code ws.max_connections} are open. */
  public boolean tryOpen() {
    if (maxConnections == 0) {
      open.incrementAndGet();
      return true;
    }
    while (true) {
      int n = open.get();
      if (n >= maxConnections) {
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives back a slot reserved by {@link #tryOpen}: the connection's TCP connection is closed. */
  public void closed() {
    open.decrementAndGet();
  }

  /** Connections holding a slot. */
  public int open() {
    return open.get();
  }

  /** Addresses whose recent connections are tracked. */
  int trackedAddresses() {
    return perIp.size();
  }
}
