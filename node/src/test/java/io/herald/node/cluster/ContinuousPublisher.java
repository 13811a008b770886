package io.herald.node.cluster;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Publishes {@code {"i": n}} over the HTTP API at a steady rate, one request at a time, until
 * stopped or {@code limit} messages: a backend that keeps publishing while nodes die or restart.
 * A failed publish (node gone, broker timeout) is not retried; the next one goes to the next node.
 * It records the offset of every acknowledged publish: those must all be delivered. A {@link #retrying}
 * publisher sends each message with the idempotency key {@code "i-n"} and retries a failed one, with the same
 * key, on the next node until it is acknowledged: as a backend should when an owner dies. Publishers that share a
 * channel have names: a named one publishes {@code {"p": name, "i": n}} with the key {@code "name-i-n"}.
 */
final class ContinuousPublisher {

  private final Vertx vertx;
  private final Context context;
  private final HttpClient http;
  private final String channel;
  private final Supplier<SocketAddress> nextNode;
  private final long intervalMs;
  private final int limit;
  private final String apiKey;
  private final String name;
  private boolean retry;
  private int duplicates;
  private final List<Long> acknowledged = new ArrayList<>();
  private final List<Ack> acks = new ArrayList<>();
  /** Failed attempts by why: the answer's error code, or "no answer" (timeout, connection refused or lost). */
  private final Map<String, Integer> failures = new TreeMap<>();
  private int sent;
  private int failed;
  private boolean stopped;
  private SocketAddress node;
  /** A retrying publisher's current message failed at least once and is being sent again. */
  private boolean retryingNow;

  ContinuousPublisher(Vertx vertx, String channel, IntSupplier nextPort, long intervalMs, int limit) {
    this(vertx, channel, nextPort, intervalMs, limit, "");
  }

  /** @param apiKey sent as {@code Authorization: Bearer} when not empty (nodes with {@code api.key} set) */
  ContinuousPublisher(Vertx vertx, String channel, IntSupplier nextPort, long intervalMs, int limit, String apiKey) {
    this(vertx, channel, RecoveringSubscriber.onLoopback(nextPort), intervalMs, limit, apiKey, "");
  }

  /**
   * @param nextNode the node to publish to: asked at start and after each failed attempt
   * @param name     tells this publisher's messages from the others' on the channel ({@code ""}: data {@code {"i": n}})
   */
  ContinuousPublisher(Vertx vertx, String channel, Supplier<SocketAddress> nextNode, long intervalMs, int limit, String apiKey,
                      String name) {
    this.apiKey = apiKey;
    this.name = name;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
    this.channel = channel;
    this.nextNode = nextNode;
    this.intervalMs = intervalMs;
    this.limit = limit;
  }

  /** A publisher that retries each failed publish with its idempotency key until it is acknowledged. */
  static ContinuousPublisher retrying(Vertx vertx, String channel, IntSupplier nextPort, long intervalMs, int limit) {
    return new ContinuousPublisher(vertx, channel, nextPort, intervalMs, limit).withRetries();
  }

  /** Makes this publisher retry each failed publish with its idempotency key until it is acknowledged; before start. */
  ContinuousPublisher withRetries() {
    retry = true;
    return this;
  }

  /** Message {@code i} was acknowledged at {@code epoch}:{@code offset}. */
  record Ack(int i, String epoch, long offset) {
  }

  /**
   * {@code duplicates}: acknowledgements that said {@code "duplicate": true} (an earlier attempt had been published);
   * {@code failures}: the failed attempts by why (an error code, or {@code "no answer"}).
   */
  record Progress(List<Long> acknowledged, int sent, int failed, int duplicates, boolean done, List<Ack> acks,
                  Map<String, Integer> failures) {
  }

  void start() {
    context.runOnContext(v -> {
      node = nextNode.get();
      publishNext();
    });
  }

  void stop() {
    context.runOnContext(v -> stopped = true);
  }

  Progress progress() {
    return RecoveringSubscriber.onContext(context, () ->
        new Progress(List.copyOf(acknowledged), sent, failed, duplicates, stopped || sent >= limit && !retryingNow,
            List.copyOf(acks), Map.copyOf(failures)));
  }

  /** The data of message {@code i}. */
  JsonObject data(int i) {
    JsonObject data = new JsonObject();
    return (name.isEmpty() ? data : data.put("p", name)).put("i", i);
  }

  private void publishNext() {
    if (stopped || sent >= limit) {
      return;
    }
    sent++;
    send(sent);
  }

  private void send(int i) {
    JsonObject publish = new JsonObject().put("channel", channel).put("data", data(i));
    Buffer body = (retry ? publish.put("idempotency_key", (name.isEmpty() ? "" : name + "-") + "i-" + i) : publish).toBuffer();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(node.host()).setPort(node.port())
        .setURI("/api/publish").setTimeout(15_000).putHeader("Content-Type", "application/json");
    if (!apiKey.isEmpty()) {
      options.putHeader("Authorization", "Bearer " + apiKey);
    }
    http.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(b -> answer(b, response.statusCode())))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result().getInteger("status") == 200) {
            acknowledged.add(ar.result().getLong("offset"));
            acks.add(new Ack(i, ar.result().getString("epoch"), ar.result().getLong("offset")));
            duplicates += ar.result().getBoolean("duplicate", false) ? 1 : 0;
            retryingNow = false;
            vertx.setTimer(intervalMs, id -> publishNext());
          } else {
            failed++;
            failures.merge(ar.succeeded() ? errorCode(ar.result()) : "no answer", 1, Integer::sum);
            node = nextNode.get();
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

  /** The answer's JSON (empty when it has none) with its {@code status}. */
  private static JsonObject answer(Buffer body, int status) {
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (RuntimeException notJson) {
      json = new JsonObject();
    }
    return json.put("status", status);
  }

  /** An error answer's code, or its status when it has none. */
  private static String errorCode(JsonObject answer) {
    JsonObject error = answer.getJsonObject("error");
    return error != null && error.getString("code") != null ? error.getString("code") : "HTTP " + answer.getInteger("status");
  }
}
