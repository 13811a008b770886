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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes over {@code POST /api/publish} (HTTP keep-alive; or the {@link Peer}'s publish request) on an
 * open model: message {@code i} is due at {@code start + i / rate} whatever happened to earlier ones, and
 * carries that intended time in {@code data.t}, so a slow server shows up as latency. In-flight requests
 * are bounded; a message that finds the bound reached is counted as not sent. The publish index
 * {@code data.i} keeps counting across runs and bursts of one publisher, so it never repeats on a channel.
 * With {@link #batching} messages that are due together (in one tick of a run, or a burst) go out up to that
 * many per request, as a backend that coalesces its publishes would send them; each keeps its own intended time.
 * With {@link #stampingSendTime} {@code data.t} is the moment a message is handed to the HTTP client instead, and
 * {@link #maxLagMicros} says how far behind its schedule the run fell.
 */
public final class Publisher {

  /** Requests (of one message or a batch) allowed in flight at once before the publisher counts itself saturated. */
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
  /** Most messages per request. */
  private int batch = 1;
  private boolean stampSendTime;
  /** The latest a message of the current run was sent after it was due, in microseconds. */
  private final AtomicLong maxLag = new AtomicLong();

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

  /**
   * Sends up to {@code messages} messages per request from now on (1: one each); more than 1 only to a peer that
   * {@linkplain Peer#batches batches}.
   */
  public Publisher batching(int messages) {
    if (messages < 1 || (messages > 1 && !peer.batches())) {
      throw new IllegalArgumentException(peer.kind().label() + " cannot publish " + messages + " messages per request");
    }
    this.batch = messages;
    return this;
  }

  /**
   * From now on {@code data.t} is when a message is sent rather than when it was due: the latency then leaves out
   * the run's 1 ms tick (up to a millisecond between due and sent), for a scenario that measures the path at a rate
   * the publisher keeps up with ({@code hop}); {@link #maxLagMicros} shows that it did.
   */
  public Publisher stampingSendTime() {
    this.stampSendTime = true;
    return this;
  }

  /** How late the current (or last) run sent its latest message, against its schedule, in microseconds. */
  public long maxLagMicros() {
    return maxLag.get();
  }

  /** Most messages per request. */
  public int batch() {
    return batch;
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
    return post(peer.publishBody(channel, dataJson));
  }

  private Future<Answer> post(Buffer body) {
    return http.request(peer.publishRequest(node, channel).setConnectTimeout(REQUEST_TIMEOUT_MS)
            .setIdleTimeout(REQUEST_TIMEOUT_MS))
        .compose(req -> req.send(body).compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b))));
  }

  private long offset(Answer answer) {
    return highest(peer.publishAnswer(answer.status(), answer.body()));
  }

  /** Keeps {@code offset} as the highest answered if it is. */
  private long highest(long offset) {
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
    maxLag.set(0);
    vertx.setPeriodic(1, id -> {
      long now = Clock.micros();
      List<Due> due = new ArrayList<>();
      while (next[0] < count && startMicros + (long) (next[0] * intervalMicros) <= now) {
        long intended = startMicros + (long) (next[0] * intervalMicros);
        maxLag.accumulateAndGet(now - intended, Math::max);
        due.add(new Due(stampSendTime ? now : intended, firstIndex + next[0]));
        next[0]++;
      }
      send(due);
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
    List<Due> due = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      due.add(new Due(Clock.micros(), firstIndex + i));
      if (due.size() == batch) {
        send(due);
        due = new ArrayList<>();
      }
    }
    send(due);
    Promise<Void> done = Promise.promise();
    awaitAnswers(done);
    return done.future();
  }

  /** The {@code data.i} the next run's or burst's first message will carry. */
  public long nextIndex() {
    return nextIndex.get();
  }

  /** A message to send: its intended time and publish index. */
  private record Due(long intendedMicros, long index) {
    String data() {
      return "{\"t\":" + intendedMicros + ",\"i\":" + index + "}";
    }
  }

  /** Sends {@code due} in order, up to {@link #batch} messages per request. */
  private void send(List<Due> due) {
    for (int from = 0; from < due.size(); from += batch) {
      List<Due> request = due.subList(from, Math.min(due.size(), from + batch));
      if (inFlight.get() >= MAX_IN_FLIGHT) {
        notSent.addAndGet(request.size());
        continue;
      }
      inFlight.incrementAndGet();
      Future<Long> answered = request.size() == 1 ? publishRaw(request.get(0).data())
          : post(peer.publishBatchBody(channel, request.stream().map(Due::data).toList()))
              .map(a -> highest(peer.publishBatchAnswer(a.status(), a.body())));
      int messages = request.size();
      answered.onComplete(ar -> {
        inFlight.decrementAndGet();
        (ar.succeeded() ? sent : errors).addAndGet(messages);
      });
    }
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
