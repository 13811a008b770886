package io.herald.gateway.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every time a limit refuses or closes a client: counted in {@code herald_limits_triggered_total{limit=...}}
 * and logged at WARN with the client id, IP address and origin, never a token or a message body. Refused
 * tokens and API keys ({@link #authFailure}) are logged through the same budget on {@code io.herald.auth}.
 * The log is rate-limited ({@link #LOG_RATE_PER_SECOND} lines a second, bursts of {@link #LOG_BURST}, for
 * both loggers together) so that a flood cannot flood the log: the next line written says how many were
 * left out. One per node.
 */
public final class LimitEvents implements Shareable {

  /** The limits, as the {@code limit} tag of the counter. */
  public enum Limit {
    ORIGIN, CONNECT_RATE, MAX_CONNECTIONS, PUBLISH_RATE, PUBLISH_RATE_CLOSE, LIFETIME, WRITE_TIMEOUT,
    NEW_CHANNEL_RATE, REQUEST_RATE, REQUEST_RATE_CLOSE, READ_RATE,
    WS_CONNECTIONS_PER_IP, HTTP_MAX_CONNECTIONS, HTTP_CONNECTIONS_PER_IP, HEADER_TIMEOUT, BODY_TIMEOUT, IDLE_TIMEOUT, HOST;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final int LOG_RATE_PER_SECOND = 5;
  static final int LOG_BURST = 20;
  private static final int MAX_FIELD_CHARS = 120;
  private static final Logger LOG = LoggerFactory.getLogger("io.herald.limits");
  private static final Logger AUTH_LOG = LoggerFactory.getLogger("io.herald.auth");

  private final Map<Limit, Counter> counters = new ConcurrentHashMap<>();
  private final TokenBucket logBudget = new TokenBucket(LOG_RATE_PER_SECOND, LOG_BURST, System.nanoTime());
  private final AtomicLong suppressed = new AtomicLong();

  private LimitEvents(MeterRegistry registry) {
    for (Limit limit : Limit.values()) {
      counters.put(limit, Counter.builder("herald.limits.triggered").tag("limit", limit.tag())
          .description("Clients refused or closed by an abuse limit (docs/security.md)").register(registry));
    }
  }

  /** The node's events: one per Vert.x instance. */
  public static LimitEvents of(Vertx vertx, MeterRegistry registry) {
    return vertx.sharedData().<String, LimitEvents>getLocalMap("herald.limits")
        .computeIfAbsent("events", k -> new LimitEvents(registry));
  }

  /** Counts a limit without logging it (the connection lifetime and HTTP idle timeout: normal ends of a connection). */
  public void counted(Limit limit) {
    counters.get(limit).increment();
  }

  /**
   * Records that {@code limit} refused or closed a client.
   *
   * @param client the client id, or null before one exists (refused upgrades)
   * @param ip     the peer's address
   * @param origin the upgrade's {@code Origin} header, or null
   * @param what   what the client gets (status or close code), written as is
   */
  public void triggered(Limit limit, String client, String ip, String origin, String what) {
    counters.get(limit).increment();
    String suffix = takeLogLine();
    if (suffix != null) {
      LOG.warn("limit {}: {} (client={}, ip={}, origin={}){}", limit.tag(), what, client == null ? "-" : client,
          clean(ip), clean(origin), suffix);
    }
  }

  /**
   * A refused token or API key (or a connection over its user's limit): who and why, never the token.
   * Returns whether a line was written (false: over the budget, left out).
   *
   * @param client the client id, or null for HTTP requests
   * @param user   the connection's user when known (from a token verified earlier), or null
   */
  public boolean authFailure(String protocol, String client, String user, String ip, String origin, String reason) {
    String suffix = takeLogLine();
    if (suffix != null) {
      AUTH_LOG.warn("auth failure: protocol={} client={} user={} ip={} origin={} reason=\"{}\"{}", protocol,
          client == null ? "-" : client, clean(user), clean(ip), clean(origin), clean(reason), suffix);
    }
    return suffix != null;
  }

  /** Takes a line of the log budget: null when there is none (the event is counted as left out), else the suffix saying how many were. */
  private String takeLogLine() {
    boolean log;
    synchronized (logBudget) {
      log = logBudget.tryTake(System.nanoTime(), 1);
    }
    if (!log) {
      suppressed.incrementAndGet();
      return null;
    }
    long skipped = suppressed.getAndSet(0);
    return skipped == 0 ? "" : " [" + skipped + " earlier limit and auth events not logged]";
  }

  /** A header value as it may go in a log line: no control characters (no forged lines), bounded length. */
  static String clean(String value) {
    if (value == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(Math.min(value.length(), MAX_FIELD_CHARS));
    for (int i = 0; i < value.length() && b.length() < MAX_FIELD_CHARS; i++) {
      char c = value.charAt(i);
      b.append(c < 0x20 || c == 0x7F || c > 0x7E ? '?' : c);
    }
    return value.length() > MAX_FIELD_CHARS ? b + "..." : b.toString();
  }
}
