package io.herald.node.cluster;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.IntSupplier;

/**
 * A /ws subscriber that behaves like a well-written client: when its connection ends (1001 from a
 * draining node, or a node that died) it reconnects to another node and subscribes with {@code since}
 * its last offset. It records what it received and every anomaly: a gap, a duplicate, an epoch change,
 * a {@code recovery_failed}. All state is touched on the client Vert.x context only; read it with
 * {@link #snapshot}.
 */
final class RecoveringSubscriber {

  private static final long RECONNECT_DELAY_MS = 100;

  private final Vertx vertx;
  /** One context for every callback, so the state needs no locks. */
  private final Context context;
  private final WebSocketClient client;
  private final String channel;
  private final IntSupplier nextPort;
  /** The /ws URI: with {@code ?token=} where nodes require client auth. */
  private final String uri;
  private final List<Long> offsets = new ArrayList<>();
  private final List<String> anomalies = new ArrayList<>();
  private final List<Short> closeCodes = new ArrayList<>();
  private String epoch;
  private long lastOffset;
  private int connections;
  private boolean stopped;
  private WebSocket socket;

  /** @param nextPort the node to (re)connect to; called once per connection attempt */
  RecoveringSubscriber(Vertx vertx, String channel, IntSupplier nextPort) {
    this(vertx, channel, nextPort, null);
  }

  /** @param token a client JWT sent on every connection, or null */
  RecoveringSubscriber(Vertx vertx, String channel, IntSupplier nextPort, String token) {
    this.uri = token == null ? "/ws" : "/ws?token=" + token;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 24));
    this.channel = channel;
    this.nextPort = nextPort;
  }

  /** What the subscriber has seen so far; {@code closeCodes}: of each connection the server closed (null: no close frame). */
  record Snapshot(List<Long> offsets, List<String> anomalies, String epoch, int connections, boolean subscribed,
                  List<Short> closeCodes) {
  }

  void start() {
    context.runOnContext(v -> connect());
  }

  Snapshot snapshot() {
    return RecoveringSubscriber.<Snapshot>onContext(context, () ->
        new Snapshot(List.copyOf(offsets), List.copyOf(anomalies), epoch, connections, epoch != null,
            Collections.unmodifiableList(new ArrayList<>(closeCodes))));
  }

  void stop() {
    context.runOnContext(v -> {
      stopped = true;
      if (socket != null) {
        socket.close();
      }
    });
  }

  private void connect() {
    if (stopped) {
      return;
    }
    int port = nextPort.getAsInt();
    client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)).onComplete(ar -> {
      if (ar.failed()) {
        vertx.setTimer(RECONNECT_DELAY_MS, id -> connect());
        return;
      }
      WebSocket ws = ar.result();
      socket = ws;
      connections++;
      ws.textMessageHandler(text -> received(new JsonObject(text)));
      ws.closeHandler(v -> {
        if (!stopped) {
          closeCodes.add(ws.closeStatusCode());
        }
        socket = null;
        vertx.setTimer(RECONNECT_DELAY_MS, id -> connect());
      });
      JsonObject subscribe = new JsonObject().put("type", "subscribe").put("id", connections).put("channel", channel);
      if (epoch != null) {
        subscribe.put("since", new JsonObject().put("epoch", epoch).put("offset", lastOffset));
      }
      ws.writeTextMessage(subscribe.encode());
    });
  }

  private void received(JsonObject frame) {
    switch (frame.getString("type")) {
      case "subscribed" -> {
        if (epoch == null) {
          epoch = frame.getString("epoch");
          lastOffset = frame.getLong("offset");
        } else if (!Boolean.TRUE.equals(frame.getBoolean("recovered"))) {
          anomalies.add("not recovered on reconnect: " + frame.encode());
        }
      }
      case "message" -> {
        long offset = frame.getLong("offset");
        if (!frame.getString("epoch").equals(epoch)) {
          anomalies.add("epoch changed: " + frame.getString("epoch") + " after " + epoch);
        } else if (offset <= lastOffset) {
          anomalies.add("duplicate or old offset " + offset + " after " + lastOffset);
        } else if (offset != lastOffset + 1) {
          anomalies.add("gap: " + offset + " after " + lastOffset);
        }
        lastOffset = Math.max(lastOffset, offset);
        offsets.add(offset);
      }
      case "error" -> anomalies.add("error: " + frame.encode());
      default -> { }
    }
  }

  /** Reads state that lives on {@code context}. */
  static <T> T onContext(Context context, Supplier<T> read) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(read.get()));
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
