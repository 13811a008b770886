package io.herald.load.attack;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Anonymous {@code /ws} connections publishing large messages, each to a channel nobody used before, at a rate
 * per connection (keep it within the node's publish rate to test the node-wide bounds rather than the rate limit).
 * Stops creating channels after {@code maxChannels}. Replies are tallied by type or error code, closes by code.
 */
public final class ChannelFlood implements Attack {

  private final Vertx vertx;
  private final URI node;
  private final int connections;
  private final double perSecond;
  private final long maxChannels;
  private final String data;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final WebSocketClient client;
  private final List<WebSocket> sockets = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private final AtomicLong nextChannel = new AtomicLong();
  private final AtomicLong sentBytes = new AtomicLong();
  private final Tally replies = new Tally();
  private final Tally closes = new Tally();

  public ChannelFlood(Vertx vertx, URI node, int connections, double perSecond, int messageBytes, long maxChannels) {
    this.vertx = vertx;
    this.node = node;
    this.connections = connections;
    this.perSecond = perSecond;
    this.maxChannels = maxChannels;
    // A JSON string of messageBytes - 2 characters: the message's data is messageBytes of JSON.
    this.data = "\"" + "x".repeat(Math.max(0, messageBytes - 2)) + "\"";
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 24));
  }

  @Override
  public String name() {
    return "channel-flood";
  }

  @Override
  public void start() {
    for (int i = 0; i < connections; i++) {
      client.connect(new WebSocketConnectOptions().setHost(node.getHost()).setPort(node.getPort()).setURI("/ws"))
          .onFailure(e -> replies.add("connect failed"))
          .onSuccess(this::flood);
    }
  }

  private void flood(WebSocket ws) {
    sockets.add(ws);
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      String type = frame.getString("type");
      replies.add("error".equals(type) ? "error " + frame.getString("code") : type);
    });
    ws.closeHandler(v -> closes.add(String.valueOf(ws.closeStatusCode())));
    long periodMs = Math.max(1, (long) (1000 / perSecond));
    timers.add(vertx.setPeriodic(periodMs, id -> {
      long n = nextChannel.getAndIncrement();
      if (n >= maxChannels || ws.isClosed() || ws.writeQueueFull()) {
        return;
      }
      String frame = "{\"type\":\"publish\",\"id\":" + n + ",\"channel\":\"flood:" + runId + "-" + n + "\",\"data\":"
          + data + "}";
      sentBytes.addAndGet(frame.length());
      ws.writeTextMessage(frame);
    }));
  }

  @Override
  public void stop() {
    timers.forEach(vertx::cancelTimer);
    sockets.forEach(ws -> ws.close());
    client.close();
  }

  @Override
  public JsonObject figures() {
    return new JsonObject().put("connections", connections).put("rate_per_connection_per_s", perSecond)
        .put("message_bytes", data.length()).put("channels_tried", Math.min(nextChannel.get(), maxChannels))
        .put("sent_mb", Math.round(sentBytes.get() / 1048576.0)).put("replies", replies.toJson())
        .put("closes", closes.toJson());
  }
}
