package io.herald.node.auth;

import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A /ws (or /graphql) client for the auth tests: unlike {@link WsClient} it expects nothing on open
 * (an auth-required node sends {@code connected} only after a token), and it keeps the close reason.
 * Every wait is bounded by {@link WsClient#TIMEOUT_MS}.
 */
final class AuthWsClient implements AutoCloseable {

  /** A close frame as the client saw it. */
  record Close(Short code, String reason) {
  }

  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();

  private AuthWsClient(Vertx vertx, int port, String uri, List<String> subProtocols) {
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 24));
    ws = client.webSocket();
    ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
    ws.closeHandler(v -> closed.complete(new Close(ws.closeStatusCode(), ws.closeReason())));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    subProtocols.forEach(options::addSubProtocol);
    await(ws.connect(options).toCompletionStage().toCompletableFuture());
  }

  /** Opens {@code /ws}, with {@code ?token=} when {@code token} is not null. */
  static AuthWsClient ws(Vertx vertx, int port, String token) {
    return new AuthWsClient(vertx, port, token == null ? "/ws" : "/ws?token=" + token, List.of());
  }

  /**
   * Opens {@code /ws?token=} on a raw socket and returns the close the server answers with, which must
   * be the first frame. A raw socket, because a refusal decided without any asynchronous step arrives in
   * the same packet as the 101, and Vert.x's client then fails its connect without reporting the close.
   */
  static Close refusedOnUpgrade(int port, String token) {
    try (RawWebSocket raw = RawWebSocket.connect(port, "/ws?token=" + token, null, 0)) {
      RawWebSocket.Frame first = raw.readFrame();
      if (first.opcode() != RawWebSocket.CLOSE) {
        throw new AssertionError("expected the close as the first frame, got " + first.text());
      }
      byte[] payload = first.payload();
      return new Close((short) first.closeCode(), new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
    }
  }

  /** Opens {@code /graphql} with the graphql-transport-ws subprotocol. */
  static AuthWsClient graphql(Vertx vertx, int port) {
    return new AuthWsClient(vertx, port, "/graphql", List.of("graphql-transport-ws"));
  }

  AuthWsClient send(JsonObject frame) {
    await(ws.writeTextMessage(frame.encode()).toCompletionStage().toCompletableFuture());
    return this;
  }

  /**
   * Writes {@code frames} back to back without waiting for each write: the server may close the socket
   * after the first one, and a refused client must not learn anything from the later writes failing.
   */
  AuthWsClient sendPipelined(JsonObject... frames) {
    for (JsonObject f : frames) {
      ws.writeTextMessage(f.encode());
    }
    return this;
  }

  JsonObject next() {
    try {
      JsonObject frame = frames.poll(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within " + WsClient.TIMEOUT_MS + " ms"
            + (closed.isDone() ? " (closed: " + closed.getNow(null) + ")" : ""));
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The type of the first frame, or "closed" if the server closes without sending one; waits a bounded time. */
  String firstFrameOrClose() {
    long deadline = System.currentTimeMillis() + WsClient.TIMEOUT_MS;
    try {
      while (System.currentTimeMillis() < deadline) {
        JsonObject frame = frames.poll(20, TimeUnit.MILLISECONDS);
        if (frame != null) {
          return frame.getString("type");
        }
        if (closed.isDone() && frames.isEmpty()) {
          return "closed";
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("neither a frame nor a close within " + WsClient.TIMEOUT_MS + " ms");
  }

  JsonObject next(String type) {
    JsonObject frame = next();
    if (!type.equals(frame.getString("type"))) {
      throw new AssertionError("expected a " + type + " frame, got " + frame);
    }
    return frame;
  }

  /** Sends a request with {@code id} and returns the next frame, which must be its reply. */
  JsonObject request(JsonObject frame) {
    send(frame);
    JsonObject reply = next();
    if (!frame.getValue("id").equals(reply.getValue("id"))) {
      throw new AssertionError("expected the reply to " + frame + ", got " + reply);
    }
    return reply;
  }

  /** Sends a request with {@code id} and returns its reply, skipping the pushes ({@code message}, ...) before it. */
  JsonObject reply(JsonObject frame) {
    send(frame);
    JsonObject reply = next();
    while (!frame.getValue("id").equals(reply.getValue("id"))) {
      reply = next();
    }
    return reply;
  }

  static JsonObject frame(String type, int id) {
    return new JsonObject().put("type", type).put("id", id);
  }

  /** {@code connect} with {@code token}: the reply (connected) or, after a refusal, nothing. */
  AuthWsClient connect(String token) {
    return send(frame("connect", 1).put("token", token));
  }

  /** The close the server sent, waiting for it. */
  Close awaitClose() {
    return await(closed);
  }

  boolean isClosed() {
    return closed.isDone();
  }

  /** Frames received and not yet read. */
  int pending() {
    return frames.size();
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
    client.close();
  }
}
