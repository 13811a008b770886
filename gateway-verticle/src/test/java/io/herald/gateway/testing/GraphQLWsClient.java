package io.herald.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
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
 * A real WebSocket client speaking graphql-transport-ws to {@code /graphql}: {@link #send} a message,
 * {@link #next} awaits the next one the server sends (kept as received, so a test can also compare raw
 * text with {@link #nextText}), {@link #awaitClose} the close code. Every wait is bounded by
 * {@link WsClient#TIMEOUT_MS}.
 */
public final class GraphQLWsClient implements AutoCloseable {

  public static final String SUBPROTOCOL = "graphql-transport-ws";
  public static final String PATH = "/graphql";

  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private GraphQLWsClient(WebSocketClient client, WebSocketConnectOptions connect) {
    this.client = client;
    this.ws = client.webSocket();
    // Handlers go on before connecting, as in WsClient: nothing the server sends may be dropped.
    ws.textMessageHandler(frames::add);
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    TestServer.await(ws.connect(connect).toCompletionStage().toCompletableFuture());
  }

  /** Opens a WebSocket to {@code /graphql} offering the graphql-transport-ws subprotocol; sends nothing yet. */
  public static GraphQLWsClient connect(Vertx vertx, int port) {
    return connect(vertx, port, List.of(SUBPROTOCOL));
  }

  /** Opens a WebSocket to {@code /graphql} offering {@code subProtocols} (none when empty). */
  public static GraphQLWsClient connect(Vertx vertx, int port, List<String> subProtocols) {
    WebSocketClient client = vertx.createWebSocketClient(
        new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 24));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(PATH);
    subProtocols.forEach(options::addSubProtocol);
    return new GraphQLWsClient(client, options);
  }

  /** Opens a connection and completes the connection_init / connection_ack exchange. */
  public static GraphQLWsClient connectAndInit(Vertx vertx, int port) {
    return connect(vertx, port).init();
  }

  /** The subprotocol the server accepted, or null. */
  public String subProtocol() {
    return ws.subProtocol();
  }

  /** Sends {@code connection_init} and expects {@code connection_ack}. */
  public GraphQLWsClient init() {
    send(new JsonObject().put("type", "connection_init"));
    expect("connection_ack");
    return this;
  }

  public GraphQLWsClient send(JsonObject message) {
    return sendText(message.encode());
  }

  public GraphQLWsClient sendText(String text) {
    TestServer.await(ws.writeTextMessage(text).toCompletionStage().toCompletableFuture());
    return this;
  }

  public GraphQLWsClient sendBinary(Buffer bytes) {
    TestServer.await(ws.writeBinaryMessage(bytes).toCompletionStage().toCompletableFuture());
    return this;
  }

  /** The {@code subscribe} message for an operation (any type) with {@code variables} (may be null). */
  public static JsonObject subscribeMessage(String id, String query, JsonObject variables) {
    JsonObject payload = new JsonObject().put("query", query);
    if (variables != null) {
      payload.put("variables", variables);
    }
    return new JsonObject().put("id", id).put("type", "subscribe").put("payload", payload);
  }

  /** Starts operation {@code id}; the server answers with next/error/complete messages. */
  public GraphQLWsClient subscribe(String id, String query) {
    return subscribe(id, query, null);
  }

  public GraphQLWsClient subscribe(String id, String query, JsonObject variables) {
    return send(subscribeMessage(id, query, variables));
  }

  /** Sends {@code complete} for {@code id}: the client no longer wants the operation. */
  public GraphQLWsClient complete(String id) {
    return send(new JsonObject().put("id", id).put("type", "complete"));
  }

  /** The next message as received, waiting up to {@link WsClient#TIMEOUT_MS}. */
  public String nextText() {
    try {
      String frame = frames.poll(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no message within " + WsClient.TIMEOUT_MS + " ms"
            + (closed.isDone() ? " (closed with " + closed.getNow(null) + ")" : ""));
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next message, waiting up to {@link WsClient#TIMEOUT_MS}. */
  public JsonObject next() {
    return new JsonObject(nextText());
  }

  /** The next message, which must have this {@code type}. */
  public JsonObject expect(String type) {
    JsonObject message = next();
    if (!type.equals(message.getString("type"))) {
      throw new AssertionError("expected a " + type + " message, got " + message);
    }
    return message;
  }

  /** The next message, which must have this {@code type} and {@code id}. */
  public JsonObject expect(String type, String id) {
    JsonObject message = expect(type);
    if (!id.equals(message.getValue("id"))) {
      throw new AssertionError("expected a " + type + " message for " + id + ", got " + message);
    }
    return message;
  }

  /**
   * Sends {@code ping} and returns, in order, every message that arrived before the {@code pong}. The
   * server handles a connection's messages in order, so an empty list proves it sent nothing to this
   * connection before it handled the ping.
   */
  public List<JsonObject> framesUntilPong() {
    send(new JsonObject().put("type", "ping"));
    List<JsonObject> before = new ArrayList<>();
    while (true) {
      JsonObject message = next();
      if ("pong".equals(message.getString("type"))) {
        return before;
      }
      before.add(message);
    }
  }

  /** Messages received and not yet read. */
  public int pending() {
    return frames.size();
  }

  /** The close code the server sent (null if none), waiting up to {@link WsClient#TIMEOUT_MS}. */
  public Short awaitClose() {
    try {
      return closed.get(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("not closed within " + WsClient.TIMEOUT_MS + " ms");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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
