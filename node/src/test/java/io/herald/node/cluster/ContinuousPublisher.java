package io.herald.node.cluster;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Publishes {@code {"i": n}} over the HTTP API at a steady rate, one request at a time, until
 * stopped or {@code limit} messages: a backend that keeps publishing while nodes die or restart.
 * A failed publish (node gone, broker timeout) is not retried; the next one goes to the next node.
 * It records the offset of every acknowledged publish: those must all be delivered. A {@link #retrying}
 * publisher sends each message with the idempotency key {@code "i-n"} and retries a failed one, with the same
 * key, on the next node until it is acknowledged: as a backend should when an owner dies.
 */
final class ContinuousPublisher {

  private final Vertx vertx;
  private final Context context;
  private final HttpClient http;
  private final String channel;
  private final IntSupplier nextPort;
  private final long intervalMs;
  private final int limit;
  private final String apiKey;
  private boolean retry;
  private int duplicates;
  private final List<Long> acknowledged = new ArrayList<>();
  private int sent;
  private int failed;
  private boolean stopped;
  private int port;
  /** A retrying publisher's current message failed at least once and is being sent again. */
  private boolean retryingNow;

  ContinuousPublisher(Vertx vertx, String channel, IntSupplier nextPort, long intervalMs, int limit) {
    this(vertx, channel, nextPort, intervalMs, limit, "");
  }

  /** @param apiKey sent as {@code Authorization: Bearer} when not empty (nodes with {@code api.key} set) */
  ContinuousPublisher(Vertx vertx, String channel, IntSupplier nextPort, long intervalMs, int limit, String apiKey) {
    this.apiKey = apiKey;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
    this.channel = channel;
    this.nextPort = nextPort;
    this.intervalMs = intervalMs;
    this.limit = limit;
  }

  /** A publisher that retries each failed publish with its idempotency key until it is acknowledged. */
  static ContinuousPublisher retrying(Vertx vertx, String channel, IntSupplier nextPort, long intervalMs, int limit) {
    ContinuousPublisher publisher = new ContinuousPublisher(vertx, channel, nextPort, intervalMs, limit);
    publisher.retry = true;
    return publisher;
  }

  /** {@code duplicates}: acknowledgements that said {@code "duplicate": true} (an earlier attempt had been published). */
  record Progress(List<Long> acknowledged, int sent, int failed, int duplicates, boolean done) {
  }

  void start() {
    context.runOnContext(v -> {
      port = nextPort.getAsInt();
      publishNext();
    });
  }

  void stop() {
    context.runOnContext(v -> stopped = true);
  }

  Progress progress() {
    return RecoveringSubscriber.onContext(context, () ->
        new Progress(List.copyOf(acknowledged), sent, failed, duplicates, stopped || sent >= limit && !retryingNow));
  }

  private void publishNext() {
    if (stopped || sent >= limit) {
      return;
    }
    sent++;
    send(sent);
  }

  private void send(int i) {
    JsonObject publish = new JsonObject().put("channel", channel).put("data", new JsonObject().put("i", i));
    Buffer body = (retry ? publish.put("idempotency_key", "i-" + i) : publish).toBuffer();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/api/publish").setTimeout(15_000).putHeader("Content-Type", "application/json");
    if (!apiKey.isEmpty()) {
      options.putHeader("Authorization", "Bearer " + apiKey);
    }
    http.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(b -> response.statusCode() == 200 ? new JsonObject(b) : null))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() != null) {
            acknowledged.add(ar.result().getLong("offset"));
            duplicates += ar.result().getBoolean("duplicate", false) ? 1 : 0;
            retryingNow = false;
            vertx.setTimer(intervalMs, id -> publishNext());
          } else {
            failed++;
            port = nextPort.getAsInt();
            retryingNow = retry;
            vertx.setTimer(intervalMs, id -> {
              if (retry && !stopped) {
                send(i);
              } else {
                publishNext();
              }
            });
          }
        });
  }
}
