package io.herald.gateway.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every time a limit refuses or closes a client: counted in {@code herald_limits_triggered_total{limit=...}}
 * and logged at WARN on {@code io.herald.limits} with the client id, channel, IP address and origin as fields
 * (SLF4J key-values: a connection's fields are never in a thread's context, an event loop serves many), never a
 * token or a message body. Refused tokens and API keys ({@link #authFailure}) are logged through the same budget
 * on {@code io.herald.auth}. The log is rate-limited ({@link #LOG_RATE_PER_SECOND} lines a second, bursts of
 * {@link #LOG_BURST}, for both loggers together) so that a flood cannot flood the log: the next line written says
 * how many were left out ({@code earlier_not_logged}). One per node.
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
    triggered(limit, client, null, null, ip, origin, what);
  }

  /**
   * As {@link #triggered(Limit, String, String, String, String)}, for a connection's client: its {@code user}
   * (null: anonymous) and the {@code channel} of the request refused (null: none).
   */
  public void triggered(Limit limit, String client, String user, String channel, String ip, String origin, String what) {
    counters.get(limit).increment();
    long skipped = takeLogLine(LOG);
    if (skipped >= 0) {
      LoggingEventBuilder line = LOG.atWarn().addKeyValue("limit", limit.tag()).addKeyValue("answer", what);
      who(line, client, user, channel, ip, origin);
      logged(line, skipped).log("limit triggered");
    }
  }

  /**
   * A refused token or API key (or a connection over its user's limit): who and why, never the token.
   * Returns whether a line was written (false: over the budget, left out; or io.herald.auth is off).
   *
   * @param client the client id, or null for HTTP requests
   * @param user   the connection's user when known (from a token verified earlier), or null
   */
  public boolean authFailure(String protocol, String client, String user, String ip, String origin, String reason) {
    long skipped = takeLogLine(AUTH_LOG);
    if (skipped >= 0) {
      LoggingEventBuilder line = AUTH_LOG.atWarn().addKeyValue("protocol", protocol);
      who(line, client, user, null, ip, origin);
      field(line, "reason", reason);
      logged(line, skipped).log("auth failure");
    }
    return skipped >= 0;
  }

  /**
   * Takes a line of the log budget for a WARN of {@code logger}: -1 when there is none (the event is counted as
   * left out) or the logger is off for WARN (the budget is kept for the other one), else how many were left out
   * since the last line written.
   */
  private long takeLogLine(Logger logger) {
    if (!logger.isWarnEnabled()) {
      return -1;
    }
    boolean log;
    synchronized (logBudget) {
      log = logBudget.tryTake(System.nanoTime(), 1);
    }
    if (!log) {
      suppressed.incrementAndGet();
      return -1;
    }
    return suppressed.getAndSet(0);
  }

  /** Who and where, cleaned; absent ones are left out. */
  private static void who(LoggingEventBuilder line, String client, String user, String channel, String ip, String origin) {
    field(line, "client", client);
    field(line, "user", user);
    field(line, "channel", channel);
    field(line, "ip", ip);
    field(line, "origin", origin);
  }

  private static void field(LoggingEventBuilder line, String key, String value) {
    if (value != null) {
      line.addKeyValue(key, clean(value));
    }
  }

  /** The line, saying how many earlier ones the budget left out (when any). */
  private static LoggingEventBuilder logged(LoggingEventBuilder line, long skipped) {
    return skipped == 0 ? line : line.addKeyValue("earlier_not_logged", skipped);
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
