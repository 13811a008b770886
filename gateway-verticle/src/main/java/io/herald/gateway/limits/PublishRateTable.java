package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.limits.LimitEvents.Limit;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The publish rate of callers without a long-lived connection to hold a {@link PublishRateLimiter}: GraphQL
 * mutations over HTTP, and {@code POST /api/publish}/{@code /api/broadcast} while no API key is configured. One
 * token bucket per caller, {@code ws.publish_burst} tokens refilled at {@code ws.publish_rate} per second (the
 * rate of one /ws connection), keyed by the token's user, else the client's IP address.
 *
 * <p>Node-wide, shared by every gateway event loop (each call holds the table's lock for a map lookup and
 * some arithmetic). It holds at most {@code http.publish_rate_max_keys} callers: past that the least recently
 * seen one is forgotten (its next publish starts with a full bucket), so a client rotating addresses or users
 * cannot grow it.
 */
public final class PublishRateTable implements Shareable {

  private final int perSecond;
  private final int burst;
  private final boolean exemptLoopback;
  private final LimitEvents limits;
  private final Map<String, TokenBucket> buckets;

  PublishRateTable(int perSecond, int burst, int maxKeys, boolean exemptLoopback, LimitEvents limits) {
    this.perSecond = perSecond;
    this.burst = Math.max(burst, 1);
    this.exemptLoopback = exemptLoopback;
    this.limits = limits;
    int bound = Math.max(maxKeys, 1);
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
        return size() > bound;
      }
    };
  }

  /** The node's table: one per Vert.x instance, created by the first caller. */
  public static PublishRateTable of(Vertx vertx, HeraldConfig config, LimitEvents limits) {
    return vertx.sharedData().<String, PublishRateTable>getLocalMap("herald.limits")
        .computeIfAbsent("publish-rate-table", k -> new PublishRateTable(config.get(HeraldConfig.WS_PUBLISH_RATE),
            config.get(HeraldConfig.WS_PUBLISH_BURST), config.get(HeraldConfig.HTTP_PUBLISH_RATE_MAX_KEYS),
            config.get(HeraldConfig.HTTP_PUBLISH_RATE_EXEMPT_LOOPBACK), limits));
  }

  /**
   * Takes {@code cost} tokens (one per message published) from the bucket of {@code user}, or of {@code ip} when
   * anonymous; false (counted and logged as a {@code publish_rate} limit event) when it does not hold them.
   * Anonymous callers on loopback are exempt while {@code http.publish_rate_exempt_loopback} is on (a local
   * reverse proxy or load tool is one address for everyone).
   */
  public boolean allow(String user, String ip, String origin, int cost) {
    if (perSecond == 0 || (user == null && exemptLoopback && ClientAddresses.loopback(ip))) {
      return true;
    }
    String key = user != null ? "user:" + user : "ip:" + ClientAddresses.group(ip);
    long now = System.nanoTime();
    boolean allowed;
    synchronized (buckets) {
      allowed = buckets.computeIfAbsent(key, k -> new TokenBucket(perSecond, burst, now)).tryTake(now, cost);
    }
    if (!allowed) {
      limits.triggered(Limit.PUBLISH_RATE, null, ip, origin, "HTTP 429 rate_limited" + (user == null ? "" : " (user)"));
    }
    return allowed;
  }

  /** Callers tracked now. */
  int size() {
    synchronized (buckets) {
      return buckets.size();
    }
  }
}
