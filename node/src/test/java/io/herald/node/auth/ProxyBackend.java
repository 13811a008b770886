package io.herald.node.auth;

import io.herald.node.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real HTTP backend for the proxy hooks: records every call (path and JSON body) and answers each path as the test
 * says: a JSON answer, a status, or nothing at all until {@link #releaseHeld} (a slow backend).
 */
final class ProxyBackend implements AutoCloseable {

  /** A hook call as the backend received it. */
  record Call(String path, JsonObject body) {
  }

  /** How the backend answers a call; {@link #HOLD} keeps the request open without an answer. */
  record Reply(int status, Buffer body) {
    static final Reply HOLD = new Reply(-1, null);

    static Reply json(String json) {
      return new Reply(200, Buffer.buffer(json));
    }
  }

  private final HttpServer server;
  private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
  private final Map<String, Function<JsonObject, Reply>> answers = new ConcurrentHashMap<>();
  private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();

  private ProxyBackend(HttpServer server) {
    this.server = server;
  }

  static ProxyBackend start(Vertx vertx) {
    ProxyBackend[] backend = new ProxyBackend[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> backend[0].handle(req));
    backend[0] = new ProxyBackend(server);
    TestNode.await(server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture());
    return backend[0];
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      JsonObject json = body.length() == 0 ? new JsonObject() : new JsonObject(body);
      calls.add(new Call(req.path(), json));
      Reply reply = answers.getOrDefault(req.path(), b -> new Reply(404, Buffer.buffer())).apply(json);
      if (reply == Reply.HOLD) {
        held.add(req);
      } else {
        req.response().setStatusCode(reply.status()).putHeader("Content-Type", "application/json").end(reply.body());
      }
    });
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** Answers calls to {@code path} with {@code answer} of the call's body. */
  ProxyBackend on(String path, Function<JsonObject, Reply> answer) {
    answers.put(path, answer);
    return this;
  }

  /** Answers calls to {@code path} with {@code json}, whatever they ask. */
  ProxyBackend on(String path, String json) {
    return on(path, b -> Reply.json(json));
  }

  /** The next call received, waiting a bounded time. */
  Call nextCall() {
    try {
      Call call = calls.poll(10, TimeUnit.SECONDS);
      if (call == null) {
        throw new AssertionError("the backend got no call within 10 s");
      }
      return call;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Calls received and not yet read. */
  int pendingCalls() {
    return calls.size();
  }

  /** How many requests are held unanswered. */
  int heldCount() {
    return held.size();
  }

  /** Answers every held request with {@code json}. */
  void releaseHeld(String json) {
    for (HttpServerRequest req : held) {
      held.remove(req);
      req.response().putHeader("Content-Type", "application/json").end(json);
    }
  }

  @Override
  public void close() {
    TestNode.await(server.close().toCompletionStage().toCompletableFuture());
  }
}
