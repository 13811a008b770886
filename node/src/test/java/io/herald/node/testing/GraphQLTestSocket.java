package io.herald.node.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal graphql-transport-ws client on a real WebSocket to {@code /graphql}: {@link #connect}
 * opens it and completes the {@code connection_init} / {@code connection_ack} handshake,
 * {@link #subscribe} starts an operation, {@link #nextText} returns each frame the server sends
 * exactly as it arrived (for byte-exact checks) and {@link #next} parses it. Waits are bounded by
 * {@link WsClient#TIMEOUT_MS}.
 */
public final class GraphQLTestSocket implements AutoCloseable {

  public static final String SUBPROTOCOL = "graphql-transport-ws";

  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private GraphQLTestSocket(WebSocketClient client, int port) {
    this.client = client;
    this.ws = client.webSocket();
    // Handlers go on before connecting, so no frame can arrive without one.
    ws.textMessageHandler(frames::add);
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/graphql")
        .addSubProtocol(SUBPROTOCOL);
    TestNode.await(ws.connect(connect).toCompletionStage().toCompletableFuture());
  }

  /** A socket to the node on {@code port}, initialised: the server has sent {@code connection_ack}. */
  public static GraphQLTestSocket connect(Vertx vertx, int port) {
    WebSocketClient client = vertx.createWebSocketClient(
        new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 24));
    GraphQLTestSocket socket = new GraphQLTestSocket(client, port);
    socket.send(new JsonObject().put("type", "connection_init"));
    socket.next("connection_ack");
    return socket;
  }

  public GraphQLTestSocket send(JsonObject frame) {
    TestNode.await(ws.writeTextMessage(frame.encode()).toCompletionStage().toCompletableFuture());
    return this;
  }

  /** Sends {@code subscribe} for operation {@code id}; the server's frames for it follow. */
  public GraphQLTestSocket subscribe(String id, String query, JsonObject variables) {
    return send(new JsonObject().put("id", id).put("type", "subscribe")
        .put("payload", new JsonObject().put("query", query).put("variables", variables)));
  }

  /** Sends {@code complete} for operation {@code id}: the server stops it and replies nothing. */
  public GraphQLTestSocket complete(String id) {
    return send(new JsonObject().put("id", id).put("type", "complete"));
  }

  /** The next frame's text exactly as received, waiting up to {@link WsClient#TIMEOUT_MS}. */
  public String nextText() {
    try {
      String frame = frames.poll(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no graphql-transport-ws frame within " + WsClient.TIMEOUT_MS + " ms");
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next frame, parsed. */
  public JsonObject next() {
    return new JsonObject(nextText());
  }

  /** The next frame, which must have this {@code type}. */
  public JsonObject next(String type) {
    JsonObject frame = next();
    if (!type.equals(frame.getString("type"))) {
      throw new AssertionError("expected a " + type + " frame, got " + frame);
    }
    return frame;
  }

  /** The close code the server sent (null if it sent none), waiting a bounded time. */
  public Short awaitClose() {
    return TestNode.await(closed);
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
    client.close();
  }
}
