package io.herald.node.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP backend for webhook tests: a Vert.x server on a free loopback port that records every POST (headers and
 * body) and answers 200, or 500 to the first {@link #failNext} requests, or nothing to the first {@link #hangNext}.
 */
public final class WebhookBackend implements AutoCloseable {

  /** One POST as it arrived, and the status it was answered with. */
  public record Received(String signature, String contentType, Buffer body, int status) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    public List<JsonObject> events() {
      List<JsonObject> events = new ArrayList<>();
      json().getJsonArray("events").forEach(e -> events.add((JsonObject) e));
      return events;
    }
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger hangs = new AtomicInteger();
  /** The status recorded for a request left without an answer. */
  public static final int NO_ANSWER = 0;

  private WebhookBackend(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (hangs.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        received.add(new Received(request.getHeader("X-Herald-Signature"), request.getHeader("Content-Type"), body, NO_ANSWER));
        return;
      }
      int status = failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 200;
      received.add(new Received(request.getHeader("X-Herald-Signature"), request.getHeader("Content-Type"), body, status));
      request.response().setStatusCode(status).end();
    }));
    TestNode.await(server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture());
  }

  public static WebhookBackend start(Vertx vertx) {
    return new WebhookBackend(vertx);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks";
  }

  /** The next {@code count} requests are answered 500. */
  public void failNext(int count) {
    failures.set(count);
  }

  /** The next {@code count} requests are never answered (the connection stays open). */
  public void hangNext(int count) {
    hangs.set(count);
  }

  /** Every request so far, in arrival order. */
  public List<Received> requests() {
    return List.copyOf(received);
  }

  /** The events of the requests answered 200, in arrival order. */
  public List<JsonObject> acknowledgedEvents() {
    List<JsonObject> events = new ArrayList<>();
    received.stream().filter(r -> r.status() == 200).forEach(r -> events.addAll(r.events()));
    return events;
  }

  /** The acknowledged events of {@code type} for {@code channel}. */
  public List<JsonObject> events(String type, String channel) {
    return acknowledgedEvents().stream()
        .filter(e -> type.equals(e.getString("type")) && (channel == null || channel.equals(e.getString("channel"))))
        .toList();
  }

  @Override
  public void close() {
    TestNode.await(server.close().toCompletionStage().toCompletableFuture());
  }

  /** The signature header a node must send for {@code body} with {@code secret}, computed here independently. */
  public static String expectedSignature(String secret, Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes()));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A loopback URL where nothing listens: connections are refused. */
  public static String downUrl() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/hooks";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
