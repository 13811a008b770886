package io.herald.gateway.webhooks;

import io.herald.core.webhooks.WebhookEvent;
import io.herald.core.webhooks.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A node's one webhook sender. Producers on any thread {@link #emit} into a bounded queue (full: the event is
 * dropped and counted) and never wait; on its own event loop the dispatcher gathers events for webhooks.batch_ms (or
 * until webhooks.batch_max are waiting), POSTs them as one signed batch, and retries a failed batch with backoff
 * until a 2xx or webhooks.max_retries. One batch is in flight at a time, so batches arrive in order and memory stays
 * bounded by the queue plus one batch; while a batch is retried, new events wait in the queue. When the node stops,
 * the batch being retried and the queued events get one more attempt each, within webhooks.timeout_ms in all.
 */
public final class WebhookDispatcher extends VerticleBase implements Webhooks {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final WebhookSettings settings;
  private final WebhookSignature signer;
  private final RetryBackoff backoff;
  private final BlockingQueue<WebhookEvent> queue;
  private final WebhookMetrics metrics;
  /**
   * True while the dispatcher will look at the queue again by itself (a wake-up, batching timer, request or retry is
   * pending), so a producer only wakes it when this is false: at most one wake-up task is ever queued.
   */
  private final AtomicBoolean awake = new AtomicBoolean();
  /** The dispatcher's event loop, once started; events emitted before wait in the queue. */
  private volatile Context loop;
  private HttpClientAgent client;
  private long timer = -1;
  /** The batch being sent or waiting for its retry; null between batches. */
  private WebhookBatch current;
  private boolean posting;
  /** Set when the verticle stops: completes once the last round of attempts is over. */
  private Promise<Void> lastRound;

  public WebhookDispatcher(WebhookSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.signer = new WebhookSignature(settings.secret());
    this.backoff = new RetryBackoff(settings.retryInitialMs(), settings.retryMaxMs());
    this.queue = new LinkedBlockingQueue<>(settings.queueMax());
    this.metrics = new WebhookMetrics(registry, queue);
  }

  @Override
  public boolean wants(WebhookEvent.Type type) {
    return settings.events().contains(type);
  }

  @Override
  public void emit(WebhookEvent event) {
    if (!queue.offer(event)) {
      metrics.queueFull();
      return;
    }
    metrics.queued();
    Context c = loop;
    if (c != null && awake.compareAndSet(false, true)) {
      c.runOnContext(v -> collect());
    }
  }

  @Override
  public Future<?> start() {
    // One connection: batches go one at a time. Its timeouts bound a backend that accepts and never answers.
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeoutMs()))
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    awake.set(true);
    loop = context;
    collect(); // what was emitted before the start
    return Future.succeededFuture();
  }

  /**
   * The node stops: no more waiting for batch_ms or a retry's pause; what is left (the batch being retried, the queue)
   * gets one attempt per batch, for at most webhooks.timeout_ms in all. What is not sent by then is counted as dropped.
   */
  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    lastRound = Promise.promise();
    if (!posting) {
      sendLastRound();
    }
    long deadline = vertx.setTimer(settings.timeoutMs(), id -> lastRound.tryComplete());
    return lastRound.future().transform(ar -> {
      vertx.cancelTimer(deadline);
      metrics.droppedAtStop(queue.size() + (current == null ? 0 : current.size));
      queue.clear();
      return client.close();
    });
  }

  /** One attempt for the current batch, then for each batch of the queue, one after another; never retried. */
  private void sendLastRound() {
    if (lastRound.future().isComplete()) {
      return;
    }
    WebhookBatch batch = current != null ? current : nextBatch();
    if (batch == null) {
      lastRound.tryComplete();
      return;
    }
    current = batch;
    posting = true;
    post(batch).onComplete(ar -> {
      posting = false;
      if (lastRound.future().isComplete()) {
        return; // past the deadline: counted as dropped there
      }
      if (acknowledged(ar)) {
        metrics.delivered(batch);
      } else {
        metrics.attemptFailed();
        metrics.droppedAtStop(batch.size);
      }
      current = null;
      sendLastRound();
    });
  }

  /**
   * Sends the next batch now if webhooks.batch_max events wait or the oldest has waited webhooks.batch_ms, else when it
   * will have; sleeps when the queue is empty. Runs on the dispatcher's loop, with nothing else pending.
   */
  private void collect() {
    timer = -1;
    if (lastRound != null) {
      return;
    }
    WebhookEvent oldest = queue.peek();
    if (oldest == null) {
      sleep();
      return;
    }
    long wait = settings.batchMs() - (System.currentTimeMillis() - oldest.ts());
    if (queue.size() >= settings.batchMax() || wait <= 0) {
      sendNext();
    } else {
      timer = vertx.setTimer(wait, id -> collect());
    }
  }

  private void sleep() {
    awake.set(false);
    // An event queued between the peek and now found the dispatcher awake and did not wake it.
    if (!queue.isEmpty() && awake.compareAndSet(false, true)) {
      collect();
    }
  }

  private void sendNext() {
    WebhookBatch batch = nextBatch();
    if (batch == null) {
      sleep();
      return;
    }
    current = batch;
    attempt(batch, 1);
  }

  /** Up to webhooks.batch_max queued events, encoded and signed; null when none wait. */
  private WebhookBatch nextBatch() {
    List<WebhookEvent> events = new ArrayList<>(Math.min(settings.batchMax(), queue.size()));
    queue.drainTo(events, settings.batchMax());
    return events.isEmpty() ? null : new WebhookBatch(events, signer);
  }

  private void attempt(WebhookBatch batch, int attempt) {
    timer = -1;
    posting = true;
    post(batch).onComplete(ar -> {
      posting = false;
      if (lastRound != null) {
        // The node stopped meanwhile: an acknowledged batch is done, a failed one gets its last attempt.
        if (lastRound.future().isComplete()) {
          return;
        }
        if (acknowledged(ar)) {
          metrics.delivered(batch);
          current = null;
        } else {
          metrics.attemptFailed();
        }
        sendLastRound();
        return;
      }
      if (acknowledged(ar)) {
        current = null;
        metrics.delivered(batch);
        collect();
        return;
      }
      metrics.attemptFailed();
      String why = ar.succeeded() ? "status " + ar.result() : String.valueOf(ar.cause());
      if (attempt > settings.maxRetries()) {
        LOG.atWarn().addKeyValue("events", batch.size).addKeyValue("attempts", attempt).addKeyValue("reason", why)
            .log("webhook batch dropped after its last attempt");
        current = null;
        metrics.retriesExhausted(batch);
        collect();
      } else {
        LOG.atDebug().addKeyValue("attempt", attempt).addKeyValue("reason", why).log("webhook attempt failed");
        timer = vertx.setTimer(backoff.delayMs(attempt), id -> attempt(batch, attempt + 1));
      }
    });
  }

  private static boolean acknowledged(AsyncResult<Integer> ar) {
    return ar.succeeded() && ar.result() / 100 == 2;
  }

  /**
   * POSTs the batch; completes with the response's status once its body has ended (the body is not kept: a huge one
   * costs time, not memory), or fails when the whole exchange took longer than webhooks.timeout_ms.
   */
  private Future<Integer> post(WebhookBatch batch) {
    Promise<Integer> result = Promise.promise();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(settings.url())
        .setTimeout(settings.timeoutMs())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(WebhookSignature.HEADER, batch.signature);
    HttpClientRequest[] sent = new HttpClientRequest[1];
    long deadline = vertx.setTimer(settings.timeoutMs(), id -> {
      if (result.tryFail(new TimeoutException("no whole answer within " + settings.timeoutMs() + " ms")) && sent[0] != null) {
        sent[0].reset();
      }
    });
    client.request(options)
        .compose(request -> {
          sent[0] = request;
          return request.send(batch.body);
        })
        .compose(response -> response.end().map(v -> response.statusCode()))
        .onComplete(ar -> {
          vertx.cancelTimer(deadline);
          if (ar.succeeded()) {
            result.tryComplete(ar.result());
          } else {
            result.tryFail(ar.cause());
          }
        });
    return result.future();
  }
}
