package io.herald.load.engine;

import io.herald.load.peer.HeraldPeer;
import io.herald.load.peer.Peer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes over {@code POST /api/publish} (HTTP keep-alive; or the {@link Peer}'s publish request) on an
 * open model: message {@code i} is due at {@code start + i / rate} whatever happened to earlier ones, and
 * carries that intended time in {@code data.t}, so a slow server shows up as latency. In-flight requests
 * are bounded; a message that finds the bound reached is counted as not sent. The publish index
 * {@code data.i} keeps counting across runs and bursts of one publisher, so it never repeats on a channel.
 */
public final class Publisher {

  /** Requests allowed in flight at once before the publisher counts itself saturated. */
  public static final int MAX_IN_FLIGHT = 10_000;
  /** The data of the marker messages that confirm subscribers before a measured stretch (no {@code t}). */
  public static final String MARKER = "{\"marker\":true}";
  /**
   * How long a publish may wait for a pooled connection, and then for its answer, before it fails (counted as
   * an error): without a bound, one request the client never sends would hold a run for ever.
   */
  public static final long REQUEST_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final Peer peer;
  private final URI node;
  private final String channel;
  private final HttpClient http;
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong notSent = new AtomicLong();
  private final AtomicLong lastOffset = new AtomicLong();
  private final AtomicLong nextIndex = new AtomicLong();

  /** A publisher to Herald's {@code POST /api/publish}. */
  public Publisher(Vertx vertx, URI node, String channel, int connections) {
    this(vertx, new HeraldPeer(false), node, channel, connections);
  }

  public Publisher(Vertx vertx, Peer peer, URI node, String channel, int connections) {
    this.vertx = vertx;
    this.peer = peer;
    this.node = node;
    this.channel = channel;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  /** Publishes one message with arbitrary {@code data} JSON; completes with its offset (-1 if the peer has none). */
  public Future<Long> publishRaw(String dataJson) {
    return post(dataJson).map(this::offset);
  }

  /** Publishes one message to Herald; completes with its answer, {@code {"channel","epoch","offset"}}. */
  public Future<JsonObject> publishReply(String dataJson) {
    return post(dataJson).map(answer -> {
      offset(answer);
      return answer.body().toJsonObject();
    });
  }

  private record Answer(int status, Buffer body) {
  }

  /**
   * The response's body is asked for inside the send's own callback: chained after it instead, a request made
   * from a thread outside Vert.x (the CLI's, for a run's first marker) can lose a body that arrives in between
   * and never complete (vert.x#4705).
   */
  private Future<Answer> post(String dataJson) {
    Buffer body = peer.publishBody(channel, dataJson);
    return http.request(peer.publishRequest(node, channel).setConnectTimeout(REQUEST_TIMEOUT_MS)
            .setIdleTimeout(REQUEST_TIMEOUT_MS))
        .compose(req -> req.send(body).compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b))));
  }

  private long offset(Answer answer) {
    long offset = peer.publishAnswer(answer.status(), answer.body());
    lastOffset.accumulateAndGet(offset, Math::max);
    return offset;
  }

  /** Sends {@code count} messages at {@code rate} per second; completes when all have been answered. */
  public Future<Void> run(double rate, long count) {
    Promise<Void> done = Promise.promise();
    long startMicros = Clock.micros();
    double intervalMicros = 1_000_000.0 / rate;
    long firstIndex = nextIndex.getAndAdd(count);
    long[] next = {0};
    vertx.setPeriodic(1, id -> {
      long now = Clock.micros();
      while (next[0] < count && startMicros + (long) (next[0] * intervalMicros) <= now) {
        send(startMicros + (long) (next[0] * intervalMicros), firstIndex + next[0]);
        next[0]++;
      }
      if (next[0] >= count) {
        vertx.cancelTimer(id);
        awaitAnswers(done);
      }
    });
    return done.future();
  }

  /** Sends {@code count} messages as fast as the connections allow (bursts); intended time = now. */
  public Future<Void> burst(long count) {
    long firstIndex = nextIndex.getAndAdd(count);
    for (long i = 0; i < count; i++) {
      send(Clock.micros(), firstIndex + i);
    }
    Promise<Void> done = Promise.promise();
    awaitAnswers(done);
    return done.future();
  }

  /** The {@code data.i} the next run's or burst's first message will carry. */
  public long nextIndex() {
    return nextIndex.get();
  }

  private void send(long intendedMicros, long index) {
    if (inFlight.get() >= MAX_IN_FLIGHT) {
      notSent.incrementAndGet();
      return;
    }
    inFlight.incrementAndGet();
    publishRaw("{\"t\":" + intendedMicros + ",\"i\":" + index + "}").onComplete(ar -> {
      inFlight.decrementAndGet();
      if (ar.succeeded()) {
        sent.incrementAndGet();
      } else {
        errors.incrementAndGet();
      }
    });
  }

  private void awaitAnswers(Promise<Void> done) {
    if (inFlight.get() == 0) {
      done.tryComplete();
    } else {
      vertx.setTimer(5, id -> awaitAnswers(done));
    }
  }

  public long sent() {
    return sent.get();
  }

  public long errors() {
    return errors.get();
  }

  public long notSent() {
    return notSent.get();
  }

  /** The highest offset a publish was answered with. */
  public long lastOffset() {
    return lastOffset.get();
  }

  public Future<Void> close() {
    return http.close();
  }
}
