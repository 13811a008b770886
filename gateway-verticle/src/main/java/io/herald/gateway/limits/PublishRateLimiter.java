package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;

/**
 * The publish rate of one connection (/ws {@code publish}, GraphQL mutations over the socket): a token
 * bucket of {@code ws.publish_burst} tokens refilled at {@code ws.publish_rate} per second. A publish
 * without a token is refused ({@code rate_limited}); a connection refused more than
 * {@code ws.publish_max_rejections} times within {@link #WINDOW_NANOS} keeps going regardless and is
 * closed (1008). The same machinery meters a connection's reads ({@link #forRequests}: history, presence,
 * subscribe at ws.request_rate). Used on the connection's event loop only.
 */
public final class PublishRateLimiter {

  /** What to do with one publish. */
  public enum Verdict { ALLOW, REJECT, CLOSE }

  /** The window in which rejections are counted towards the close. */
  public static final long WINDOW_NANOS = 10_000_000_000L;

  private final TokenBucket bucket;
  private final int maxRejections;
  private long windowStart;
  private int rejections;

  PublishRateLimiter(int perSecond, int burst, int maxRejections, long nowNanos) {
    this.bucket = perSecond == 0 ? null : new TokenBucket(perSecond, Math.max(burst, 1), nowNanos);
    this.maxRejections = maxRejections;
  }

  /** The connection's limiter, or one that allows everything when {@code ws.publish_rate} is 0. */
  public static PublishRateLimiter from(HeraldConfig config) {
    return new PublishRateLimiter(config.get(HeraldConfig.WS_PUBLISH_RATE), config.get(HeraldConfig.WS_PUBLISH_BURST),
        config.get(HeraldConfig.WS_PUBLISH_MAX_REJECTIONS), System.nanoTime());
  }

  /** The limiter of history, presence and subscribe requests (ws.request_rate, ws.request_burst). */
  public static PublishRateLimiter forRequests(HeraldConfig config) {
    return new PublishRateLimiter(config.get(HeraldConfig.WS_REQUEST_RATE), config.get(HeraldConfig.WS_REQUEST_BURST),
        config.get(HeraldConfig.WS_PUBLISH_MAX_REJECTIONS), System.nanoTime());
  }

  /** Takes {@code cost} tokens (1 per published message) for a publish now. */
  public Verdict check(int cost) {
    long now = System.nanoTime();
    if (bucket == null || bucket.tryTake(now, cost)) {
      return Verdict.ALLOW;
    }
    return rejected(now);
  }

  /**
   * Counts a refusal decided elsewhere (a channel the store would not create for this connection) towards
   * the close, as a refusal of this limiter's own.
   */
  public Verdict rejected() {
    return rejected(System.nanoTime());
  }

  private Verdict rejected(long now) {
    if (rejections == 0 || now - windowStart > WINDOW_NANOS) {
      windowStart = now;
      rejections = 0;
    }
    rejections++;
    return rejections > maxRejections ? Verdict.CLOSE : Verdict.REJECT;
  }
}
