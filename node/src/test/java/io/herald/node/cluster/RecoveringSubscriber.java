package io.herald.node.cluster;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

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
 * a {@code recovery_failed}. A subscribe refused as {@code unavailable} (a member that cannot serve the channel now)
 * is an anomaly too, and the subscriber reconnects, to the next node. After a {@code recovery_failed} or an epoch change
 * it goes on from the channel's new position. Besides the anomalies it keeps the breaks in the sequence that no
 * {@code recovery_failed} or epoch change announced ({@code silentBreaks}: a gap, a repeat, an offset going back), and
 * every message it got with its epoch. All state is touched on the client Vert.x context only; read it with
 * {@link #snapshot}.
 */
final class RecoveringSubscriber {

  private static final long RECONNECT_DELAY_MS = 100;

  private final Vertx vertx;
  /** One context for every callback, so the state needs no locks. */
  private final Context context;
  private final WebSocketClient client;
  private final String channel;
  private final Supplier<SocketAddress> nextNode;
  /** The /ws URI: with {@code ?token=} where nodes require client auth. */
  private final String uri;
  private final List<Long> offsets = new ArrayList<>();
  private final List<Seen> messages = new ArrayList<>();
  private final List<String> anomalies = new ArrayList<>();
  private final List<String> silentBreaks = new ArrayList<>();
  private final List<Short> closeCodes = new ArrayList<>();
  private String epoch;
  private long lastOffset;
  /** A {@code recovery_failed} came since the last message: the next may skip, or start over. */
  private boolean announced;
  private int connections;
  private boolean stopped;
  private WebSocket socket;

  /** @param nextPort the node to (re)connect to; called once per connection attempt */
  RecoveringSubscriber(Vertx vertx, String channel, IntSupplier nextPort) {
    this(vertx, channel, nextPort, null);
  }

  /** @param token a client JWT sent on every connection, or null */
  RecoveringSubscriber(Vertx vertx, String channel, IntSupplier nextPort, String token) {
    this(vertx, channel, onLoopback(nextPort), token);
  }

  /** @param nextNode the node to (re)connect to; called once per connection attempt */
  RecoveringSubscriber(Vertx vertx, String channel, Supplier<SocketAddress> nextNode, String token) {
    this.uri = token == null ? "/ws" : "/ws?token=" + token;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 24));
    this.channel = channel;
    this.nextNode = nextNode;
  }

  /** The node on loopback whose port {@code nextPort} gives. */
  static Supplier<SocketAddress> onLoopback(IntSupplier nextPort) {
    return () -> SocketAddress.inetSocketAddress(nextPort.getAsInt(), "127.0.0.1");
  }

  /** A message as received: its epoch, offset and data (JSON text). */
  record Seen(String epoch, long offset, String data) {
  }

  /**
   * What the subscriber has seen so far; {@code closeCodes}: of each connection the server closed (null: no close
   * frame); {@code messages}: every message in the order received; {@code silentBreaks}: unannounced breaks.
   */
  record Snapshot(List<Long> offsets, List<String> anomalies, String epoch, int connections, boolean subscribed,
                  List<Short> closeCodes, List<Seen> messages, List<String> silentBreaks) {
  }

  void start() {
    context.runOnContext(v -> connect());
  }

  Snapshot snapshot() {
    return RecoveringSubscriber.<Snapshot>onContext(context, () ->
        new Snapshot(List.copyOf(offsets), List.copyOf(anomalies), epoch, connections, epoch != null,
            Collections.unmodifiableList(new ArrayList<>(closeCodes)), List.copyOf(messages), List.copyOf(silentBreaks)));
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
    SocketAddress node = nextNode.get();
    client.connect(new WebSocketConnectOptions().setHost(node.host()).setPort(node.port()).setURI(uri)).onComplete(ar -> {
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
        if (epoch != null && !Boolean.TRUE.equals(frame.getBoolean("recovered"))) {
          anomalies.add("not recovered on reconnect: " + frame.encode());
          if (!announced) {
            silentBreaks.add("resubscribed without recovery and without recovery_failed: " + frame.encode());
          }
        }
        if (epoch == null || !Boolean.TRUE.equals(frame.getBoolean("recovered"))) {
          // The first subscribe, or the channel went on from a new position: continue from there.
          epoch = frame.getString("epoch");
          lastOffset = frame.getLong("offset");
          announced = false;
        }
      }
      case "message" -> message(frame);
      case "error" -> {
        anomalies.add("error: " + frame.encode());
        announced |= "recovery_failed".equals(frame.getString("code"));
        if ("unavailable".equals(frame.getString("code")) && socket != null) {
          socket.close();
        }
      }
      default -> { }
    }
  }

  private void message(JsonObject frame) {
    long offset = frame.getLong("offset");
    String at = frame.getString("epoch");
    String problem = null;
    if (!at.equals(epoch)) {
      anomalies.add("epoch changed: " + at + " after " + epoch);
      epoch = at; // a new epoch tells the client itself that the sequence starts over
    } else if (offset <= lastOffset) {
      problem = "duplicate or old offset " + offset + " after " + lastOffset;
    } else if (offset != lastOffset + 1) {
      problem = "gap: " + offset + " after " + lastOffset;
    }
    if (problem != null) {
      anomalies.add(problem);
      if (!announced) {
        silentBreaks.add(problem + " in epoch " + at);
      }
    }
    // After an announced break the sequence goes on from this message; after a silent one, from the furthest seen.
    lastOffset = problem == null || announced ? offset : Math.max(lastOffset, offset);
    announced = false;
    offsets.add(offset);
    messages.add(new Seen(at, offset, frame.getValue("data") instanceof JsonObject data ? data.encode()
        : String.valueOf(frame.getValue("data"))));
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
