package io.herald.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client speaking the /ws protocol: {@link #send} a frame, {@link #next} awaits
 * the next frame the server pushes, {@link #awaitClose} the close code. Waits are bounded.
 */
public final class WsClient implements AutoCloseable {

  public static final long TIMEOUT_MS = 10_000;

  private final WebSocket ws;
  private final WebSocketClient client;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();
  private JsonObject connected;

  private WsClient(WebSocketClient client, ClientWebSocket ws, WebSocketConnectOptions connect) {
    this.client = client;
    this.ws = ws;
    // Handlers go on before connecting: the server sends `connected` right after the upgrade, and a
    // frame that arrives before its handler is set is dropped.
    ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    TestServer.await(ws.connect(connect).toCompletionStage().toCompletableFuture());
  }

  private WsClient awaitConnected() {
    this.connected = next();
    if (!"connected".equals(connected.getString("type"))) {
      throw new AssertionError("expected connected, got " + connected);
    }
    return this;
  }

  public static WsClient connect(Vertx vertx, int port) {
    return connect(vertx, port, new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 24));
  }

  public static WsClient connect(Vertx vertx, int port, WebSocketClientOptions options) {
    return connect(vertx, port, options, "/ws");
  }

  /** A client of {@code uri} (/ws with a query: {@code /ws?batch=true}). */
  public static WsClient connect(Vertx vertx, int port, WebSocketClientOptions options, String uri) {
    WebSocketClient client = vertx.createWebSocketClient(options);
    return new WsClient(client, client.webSocket(), new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
        .awaitConnected();
  }

  /**
   * A client whose upgrade is {@code connect} (headers included) that does not wait for {@code connected}: the node
   * may send it only in answer to a {@code connect} frame (a connect hook) or close instead.
   */
  public static WsClient open(Vertx vertx, WebSocketConnectOptions connect) {
    WebSocketClient client = vertx.createWebSocketClient();
    return new WsClient(client, client.webSocket(), connect);
  }

  /** The {@code connected} frame the server sent on open. */
  public JsonObject connected() {
    return connected;
  }

  public WebSocket socket() {
    return ws;
  }

  /** This connection's client id, from its {@code connected} frame. */
  public String clientId() {
    return connected.getString("client");
  }

  /**
   * Sends {@code {"type":"ping","id":id}} and returns, in order, every frame that arrived before the
   * matching {@code pong}. The server answers in order, so an empty list proves it pushed nothing to
   * this connection before it handled the ping; this asserts "no frame" without waiting for one.
   */
  public List<JsonObject> framesUntilPong(int id) {
    send(new JsonObject().put("type", "ping").put("id", id));
    List<JsonObject> before = new ArrayList<>();
    while (true) {
      JsonObject frame = next();
      if ("pong".equals(frame.getString("type")) && Integer.valueOf(id).equals(frame.getValue("id"))) {
        return before;
      }
      before.add(frame);
    }
  }

  /** The close code the server sent, or null if the connection ended without one; waits up to {@link #TIMEOUT_MS}. */
  public Short awaitCloseStatus() {
    return TestServer.await(closed);
  }

  public WsClient send(JsonObject frame) {
    return sendText(frame.encode());
  }

  public WsClient sendText(String text) {
    TestServer.await(ws.writeTextMessage(text).toCompletionStage().toCompletableFuture());
    return this;
  }

  /** The next frame, waiting up to {@link #TIMEOUT_MS}. */
  public JsonObject next() {
    try {
      JsonObject frame = frames.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within " + TIMEOUT_MS + " ms");
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next frame, which must have this {@code type}. */
  public JsonObject next(String type) {
    JsonObject frame = next();
    if (!type.equals(frame.getString("type"))) {
      throw new AssertionError("expected a " + type + " frame, got " + frame);
    }
    return frame;
  }

  /** Sends a request with {@code id} and returns the reply, which must carry the same id. */
  public JsonObject request(JsonObject frame) {
    send(frame);
    JsonObject reply = next();
    if (!frame.getValue("id").equals(reply.getValue("id"))) {
      throw new AssertionError("expected the reply to " + frame + ", got " + reply);
    }
    return reply;
  }

  public JsonObject subscribe(int id, String channel) {
    return request(new JsonObject().put("type", "subscribe").put("id", id).put("channel", channel));
  }

  /** Frames received and not yet read. */
  public int pending() {
    return frames.size();
  }

  /** The close code the server sent, waiting up to {@link #TIMEOUT_MS}. */
  public short awaitClose() {
    return TestServer.await(closed);
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
    client.close();
  }
}
