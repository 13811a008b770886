package io.herald.gateway.hooks;

import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.hooks.HookMetrics.Outcome;
import io.herald.gateway.limits.TokenBucket;
import io.herald.gateway.transport.RequestHead;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's proxy hooks (the {@code proxy.*} keys): calls a backend over HTTP (POST, JSON) and reads its answer
 * ({@link HookAnswer}). Calls are asynchronous, answered on the caller's context; at most proxy.max_concurrency are
 * in flight (beyond, refused at once), each is given up after proxy.timeout_ms, answers are read up to
 * proxy.max_response_bytes, and consecutive failures open a {@link BackendBreaker}. A call that gets no usable answer
 * fails with {@code internal}. Shared by the node's gateway instances, like {@link io.herald.gateway.auth.NodeAuth}.
 */
public final class ProxyHooks {

  private static final Logger LOG = LoggerFactory.getLogger("io.herald.proxy");

  private final Vertx vertx;
  private final Map<HookKind, String> urls = new EnumMap<>(HookKind.class);
  private final long timeoutMs;
  private final int maxConcurrency;
  private final int maxResponseBytes;
  private final List<String> forwardedHeaders;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final BackendBreaker breaker;
  /** Made only when a hook is configured: a node without hooks pays nothing. */
  private final WebClient client;
  private final HookMetrics metrics;
  /** Failed calls are logged at WARN, a few a second at most: a backend outage must not flood the log. */
  private final TokenBucket logBudget = new TokenBucket(1, 5, System.nanoTime());

  /**
   * The node's hooks: one per node, made at its start and shared by its gateway instances.
   *
   * @throws IllegalArgumentException for a malformed proxy.* setting
   */
  public ProxyHooks(Vertx vertx, HeraldConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    for (HookKind kind : HookKind.values()) {
      String url = config.get(kind.url()).trim();
      if (!url.isEmpty()) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
          throw new IllegalArgumentException(kind.url().key() + " must be an http:// or https:// URL: " + url);
        }
        urls.put(kind, url);
      }
    }
    this.timeoutMs = config.get(HeraldConfig.PROXY_TIMEOUT_MS);
    this.maxConcurrency = config.get(HeraldConfig.PROXY_MAX_CONCURRENCY);
    this.maxResponseBytes = config.get(HeraldConfig.PROXY_MAX_RESPONSE_BYTES);
    if (timeoutMs <= 0 || maxConcurrency <= 0 || maxResponseBytes <= 0) {
      throw new IllegalArgumentException("proxy.timeout_ms, proxy.max_concurrency and proxy.max_response_bytes must be above 0");
    }
    List<String> headers = new ArrayList<>();
    for (String name : config.get(HeraldConfig.PROXY_HEADERS).split(",")) {
      if (!name.isBlank()) {
        headers.add(name.trim());
      }
    }
    this.forwardedHeaders = List.copyOf(headers);
    this.breaker = new BackendBreaker(config.get(HeraldConfig.PROXY_BREAKER_FAILURES),
        config.get(HeraldConfig.PROXY_BREAKER_RESET_MS), System::currentTimeMillis);
    if (urls.isEmpty()) {
      this.client = null;
      this.metrics = null;
    } else {
      int timeout = (int) Math.min(Integer.MAX_VALUE, timeoutMs);
      this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(timeout)
              .setIdleTimeout(timeout).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
              .setUserAgent("herald-proxy").setFollowRedirects(false),
          new PoolOptions().setHttp1MaxSize(maxConcurrency));
      this.metrics = new HookMetrics(registry, inFlight, breaker::open);
    }
  }

  /** Whether {@code kind}'s URL is set. */
  public boolean enabled(HookKind kind) {
    return urls.containsKey(kind);
  }

  /**
   * The request headers the connect hook gets: those of proxy.headers {@code request} has, each under its configured
   * name, several values joined with ", ". Empty (nothing kept) without a connect hook.
   */
  public Map<String, String> forwardedHeaders(RequestHead request) {
    if (!enabled(HookKind.CONNECT)) {
      return Map.of();
    }
    Map<String, String> forwarded = new LinkedHashMap<>();
    for (String name : forwardedHeaders) {
      List<String> v = request.headers(name);
      if (v != null && !v.isEmpty()) {
        forwarded.put(name, String.join(", ", v));
      }
    }
    return Collections.unmodifiableMap(forwarded);
  }

  /**
   * POSTs {@code body} (a JSON object) to {@code kind}'s URL. Completes with the backend's answer; fails with
   * {@code internal} when there is none to use (busy, breaker open, down, timeout, bad status or body).
   */
  public Future<HookAnswer> call(HookKind kind, Buffer body) {
    String url = urls.get(kind);
    if (url == null) {
      throw new IllegalStateException(kind.url().key() + " is not set");
    }
    if (inFlight.incrementAndGet() > maxConcurrency) {
      inFlight.decrementAndGet();
      return refused(kind, Outcome.BUSY, "backend busy: " + maxConcurrency + " hook calls in flight ("
          + HeraldConfig.PROXY_MAX_CONCURRENCY.key() + ")");
    }
    if (!breaker.allows()) {
      inFlight.decrementAndGet();
      return refused(kind, Outcome.BREAKER_OPEN, "backend unavailable: circuit breaker open");
    }
    long start = System.nanoTime();
    Promise<HookAnswer> answer = Promise.promise();
    // The deadline is the whole call's (connect, send, answer), not an idle time: a trickling backend is late too.
    long deadline = vertx.setTimer(timeoutMs, t -> {
      if (answer.tryFail(failed(kind, "backend timeout: no answer within " + timeoutMs + " ms"))) {
        breaker.failed();
        metrics.counted(kind, Outcome.TIMEOUT);
      }
    });
    client.postAbs(url).putHeader("Content-Type", "application/json").as(CappedBody.codec(maxResponseBytes))
        .sendBuffer(body)
        .onComplete(ar -> {
          // In flight until the HTTP exchange itself ends, even past the deadline: the bound is on real requests.
          inFlight.decrementAndGet();
          vertx.cancelTimer(deadline);
          if (answer.future().isComplete()) {
            return;
          }
          metrics.timed(kind, System.nanoTime() - start);
          HookAnswer read;
          try {
            if (ar.failed()) {
              throw new HookAnswer.BadAnswer(describe(ar.cause()));
            }
            if (ar.result().statusCode() != 200) {
              throw new HookAnswer.BadAnswer("backend answered HTTP " + ar.result().statusCode());
            }
            read = HookAnswer.parse(ar.result().body());
          } catch (HookAnswer.BadAnswer e) {
            breaker.failed();
            metrics.counted(kind, Outcome.FAILED);
            answer.tryFail(failed(kind, "backend unavailable: " + e.getMessage()));
            return;
          }
          breaker.succeeded();
          metrics.counted(kind, read instanceof HookAnswer.Allow ? Outcome.ALLOWED
              : read instanceof HookAnswer.Refuse ? Outcome.REFUSED : Outcome.DISCONNECTED);
          answer.tryComplete(read);
        });
    return answer.future();
  }

  private Future<HookAnswer> refused(HookKind kind, Outcome outcome, String message) {
    metrics.counted(kind, outcome);
    return Future.failedFuture(failed(kind, message));
  }

  /** A failed call's error for the client, logged (within the log budget) for the operator. */
  private HeraldException failed(HookKind kind, String message) {
    boolean log;
    synchronized (logBudget) {
      log = logBudget.tryTake(System.nanoTime(), 1);
    }
    if (log) {
      LOG.atWarn().addKeyValue("hook", kind.tag()).addKeyValue("reason", message).log("proxy hook failed");
    }
    return new HeraldException(ErrorCode.INTERNAL, message);
  }

  /** A transport failure as the client may read it: what went wrong, never the backend's address. */
  private static String describe(Throwable t) {
    Throwable cause = t.getCause() != null && t.getClass().getSimpleName().equals("WriteException") ? t.getCause() : t;
    if (cause instanceof IllegalStateException && cause.getMessage() != null && cause.getMessage().startsWith("answer over")) {
      return cause.getMessage();
    }
    return cause instanceof java.net.ConnectException ? "connection refused" : "no answer";
  }
}
