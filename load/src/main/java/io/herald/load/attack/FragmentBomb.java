package io.herald.load.attack;

import io.herald.load.engine.LatencyRecorder;
import io.herald.load.engine.Result;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Anonymous GraphQL fragment bombs over {@code POST /graphql}: {@code F0} spreads {@code F1} twice, {@code F1}
 * spreads {@code F2} twice, ... {@code F<depth>} is {@code __typename}. About 1.2 KB at depth 30, 2^30 leaves when
 * expanded. Sent at a fixed rate; each answer is tallied by HTTP status and whether it says {@code limit_exceeded}.
 */
public final class FragmentBomb implements Attack {

  private final Vertx vertx;
  private final URI node;
  private final double perSecond;
  private final Buffer body;
  private final HttpClient http;
  private final Tally answers = new Tally();
  private final LatencyRecorder answerTimes = new LatencyRecorder();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong unanswered = new AtomicLong();
  private long timer = -1;

  public FragmentBomb(Vertx vertx, URI node, double perSecond, int depth) {
    this.vertx = vertx;
    this.node = node;
    this.perSecond = perSecond;
    this.body = Buffer.buffer(new JsonObject().put("query", document(depth)).encode());
    // One connection per request in flight: a frozen node would otherwise hide behind a full pool.
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions().setHttp1MaxSize(64));
  }

  /** The bomb: {@code depth} levels of fragments, each spreading the next twice. */
  public static String document(int depth) {
    StringBuilder q = new StringBuilder("query { ...F0 }");
    for (int i = 0; i < depth; i++) {
      q.append(" fragment F").append(i).append(" on Query { ...F").append(i + 1).append(" ...F").append(i + 1).append(" }");
    }
    return q.append(" fragment F").append(depth).append(" on Query { __typename }").toString();
  }

  @Override
  public String name() {
    return "fragment-bomb";
  }

  @Override
  public void start() {
    timer = vertx.setPeriodic(Math.max(1, (long) (1000 / perSecond)), id -> send());
  }

  private void send() {
    sent.incrementAndGet();
    unanswered.incrementAndGet();
    long start = System.nanoTime();
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(node.getHost()).setPort(node.getPort())
            .setURI("/graphql").putHeader("Content-Type", "application/json").setIdleTimeout(120_000))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode() + (b.toString().contains("limit_exceeded")
            ? " limit_exceeded" : "")))
        .onComplete(ar -> {
          unanswered.decrementAndGet();
          answerTimes.recordMicros((System.nanoTime() - start) / 1_000);
          answers.add(ar.succeeded() ? ar.result() : "failed: " + ar.cause().getClass().getSimpleName());
        });
  }

  @Override
  public void stop() {
    vertx.cancelTimer(timer);
    http.close();
  }

  @Override
  public JsonObject figures() {
    LatencyRecorder.Summary t = answerTimes.summary();
    return new JsonObject().put("rate_per_s", perSecond).put("request_bytes", body.length()).put("sent", sent.get())
        .put("answers", answers.toJson()).put("unanswered_at_stop", unanswered.get())
        .put("answer_ms_p50", Result.round(t.median())).put("answer_ms_max", Result.round(t.max()));
  }
}
