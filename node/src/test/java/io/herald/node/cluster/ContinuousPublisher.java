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
 * It records the offset of every acknowledged publish: those must all be delivered.
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
  private final List<Long> acknowledged = new ArrayList<>();
  private int sent;
  private int failed;
  private boolean stopped;
  private int port;

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

  record Progress(List<Long> acknowledged, int sent, int failed, boolean done) {
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
        new Progress(List.copyOf(acknowledged), sent, failed, stopped || sent >= limit));
  }

  private void publishNext() {
    if (stopped || sent >= limit) {
      return;
    }
    sent++;
    Buffer body = new JsonObject().put("channel", channel).put("data", new JsonObject().put("i", sent)).toBuffer();
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
          } else {
            failed++;
            port = nextPort.getAsInt();
          }
          vertx.setTimer(intervalMs, id -> publishNext());
        });
  }
}
