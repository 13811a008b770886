package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The node-wide limits on WebSocket connections (/ws and GraphQL), shared by every gateway event loop:
 * <ul>
 *   <li>{@code ws.max_connections} open at once: the upgrade is reserved a slot before it is accepted,
 *   and a connection over the limit is accepted and closed at once with 4009 (a browser sees only 1006 for a
 *   refused upgrade, a close code tells it why);</li>
 *   <li>{@code ws.connect_rate_per_ip} new connections per second from one client address, with bursts of
 *   {@code ws.connect_burst_per_ip}: refused with HTTP 429 before the upgrade;</li>
 *   <li>{@code ws.max_connections_per_ip} open at once from one client address: accepted and closed with 4009.</li>
 * </ul>
 * Addresses are the client's as {@link ClientAddresses} sees it (trusted proxies, IPv6 by /64); loopback is
 * exempt while {@code ws.connect_rate_exempt_loopback} is on (a local reverse proxy or load tool is one IP
 * for everyone). The per-address buckets are forgotten once full again, so the table holds only addresses
 * that connected recently; a sweep bounds it when many addresses do, and past
 * {@code limits.max_tracked_addresses} busy ones a new address goes untracked.
 */
public final class ConnectionLimiter implements Shareable {

  /** Above this many tracked addresses, each new one first sweeps out the idle ones. */
  static final int SWEEP_ABOVE = 10_000;
  private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

  private final int maxConnections;
  private final int ratePerIp;
  private final int burstPerIp;
  private final ClientAddresses addresses;
  private final int maxTracked;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<String, TokenBucket> perIp = new ConcurrentHashMap<>();
  private final PerAddressCounts openPerIp;
  private volatile int sweepAbove;
  private final AtomicInteger sweeps = new AtomicInteger();
  private final LongSupplier nanoClock;
  private volatile long lastSweepNanos;

  ConnectionLimiter(int maxConnections, int ratePerIp, int burstPerIp, int maxPerIp, ClientAddresses addresses,
                    int maxTracked) {
    this(maxConnections, ratePerIp, burstPerIp, maxPerIp, addresses, maxTracked, System::nanoTime);
  }

  /** {@code nanoClock}: the time the buckets see (tests freeze it: their loops may take seconds on a busy machine). */
  ConnectionLimiter(int maxConnections, int ratePerIp, int burstPerIp, int maxPerIp, ClientAddresses addresses,
                    int maxTracked, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.lastSweepNanos = nanoClock.getAsLong();
    this.maxConnections = maxConnections;
    this.ratePerIp = ratePerIp;
    this.burstPerIp = Math.max(burstPerIp, 1);
    this.addresses = addresses;
    this.maxTracked = maxTracked;
    this.openPerIp = new PerAddressCounts(maxPerIp, maxTracked);
    this.sweepAbove = Math.min(SWEEP_ABOVE, maxTracked);
  }

  /** The node's limiter: one per Vert.x instance (one per node), created by the first gateway that asks. */
  public static ConnectionLimiter of(Vertx vertx, HeraldConfig config) {
    return vertx.sharedData().<String, ConnectionLimiter>getLocalMap("herald.limits")
        .computeIfAbsent("connections", k -> new ConnectionLimiter(config.get(HeraldConfig.WS_MAX_CONNECTIONS),
            config.get(HeraldConfig.WS_CONNECT_RATE_PER_IP), config.get(HeraldConfig.WS_CONNECT_BURST_PER_IP),
            config.get(HeraldConfig.WS_MAX_CONNECTIONS_PER_IP), ClientAddresses.from(config),
            config.get(HeraldConfig.LIMITS_MAX_TRACKED_ADDRESSES)));
  }

  /** Whether client address {@code ip} may open one more connection now (and counts it). */
  public boolean allowNewConnection(String ip) {
    if (ratePerIp == 0 || ip == null || addresses.exempt(ip)) {
      return true;
    }
    String group = ClientAddresses.group(ip);
    long now = nanoClock.getAsLong();
    if (!perIp.containsKey(group)) {
      int size = perIp.size();
      // Amortised: a sweep that frees little doubles the size of the next, so addresses that all stay busy
      // cost O(1) each; a full table is swept again once a second, so it does not stay full of idle buckets.
      if (size > sweepAbove || (size >= maxTracked && now - lastSweepNanos > SWEEP_INTERVAL_NANOS)) {
        lastSweepNanos = now;
        sweeps.incrementAndGet();
        perIp.entrySet().removeIf(e -> {
          synchronized (e.getValue()) {
            return e.getValue().full(now);
          }
        });
        sweepAbove = Math.max(Math.min(SWEEP_ABOVE, maxTracked), 2 * perIp.size());
      }
      if (perIp.size() >= maxTracked) {
        return true; // every tracked address is busy: this one goes untracked rather than grow the table
      }
    }
    TokenBucket bucket = perIp.computeIfAbsent(group, k -> new TokenBucket(ratePerIp, burstPerIp, now));
    synchronized (bucket) {
      return bucket.tryTake(now, 1);
    }
  }

  /**
   * One more open WebSocket from client address {@code ip} ({@code ws.max_connections_per_ip}); a
   * {@code COUNTED} one is given back with {@link #closedFrom} when its TCP connection closes.
   */
  public PerAddressCounts.Admission openFrom(String ip) {
    return ip == null || addresses.exempt(ip) ? PerAddressCounts.Admission.UNCOUNTED
        : openPerIp.open(ClientAddresses.group(ip));
  }

  public void closedFrom(String ip) {
    openPerIp.closed(ClientAddresses.group(ip));
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

  /** How many times the rate table was swept. */
  int sweeps() {
    return sweeps.get();
  }

  /** Addresses whose recent connections are tracked. */
  int trackedAddresses() {
    return perIp.size();
  }
}
