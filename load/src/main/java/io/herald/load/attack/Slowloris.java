package io.herald.load.attack;

import io.herald.load.engine.LatencyRecorder;
import io.herald.load.engine.Result;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connections that start an HTTP request and never finish its header: a request line, then one header byte every
 * {@code trickleMs}. Reports how many the node closed, and how long after the connect.
 */
public final class Slowloris implements Attack {

  private static final Buffer START = Buffer.buffer("GET /api/info HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");

  private final Vertx vertx;
  private final URI node;
  private final int connections;
  private final long trickleMs;
  private final NetClient client;
  private final List<NetSocket> sockets = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong closedByNode = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final LatencyRecorder closedAfter = new LatencyRecorder();
  private volatile boolean stopping;

  public Slowloris(Vertx vertx, URI node, int connections, long trickleMs) {
    this.vertx = vertx;
    this.node = node;
    this.connections = connections;
    this.trickleMs = trickleMs;
    this.client = vertx.createNetClient();
  }

  @Override
  public String name() {
    return "slowloris";
  }

  @Override
  public void start() {
    for (int i = 0; i < connections; i++) {
      client.connect(node.getPort(), node.getHost()).onFailure(e -> failed.incrementAndGet()).onSuccess(this::trickle);
    }
  }

  private void trickle(NetSocket socket) {
    long start = System.nanoTime();
    opened.incrementAndGet();
    sockets.add(socket);
    long timer = vertx.setPeriodic(trickleMs, id -> socket.write("a"));
    timers.add(timer);
    socket.closeHandler(v -> {
      vertx.cancelTimer(timer);
      if (!stopping) {
        closedByNode.incrementAndGet();
        closedAfter.recordMicros((System.nanoTime() - start) / 1_000);
      }
    });
    socket.write(START);
  }

  @Override
  public void stop() {
    stopping = true;
    timers.forEach(vertx::cancelTimer);
    sockets.forEach(NetSocket::close);
    client.close();
  }

  @Override
  public JsonObject figures() {
    LatencyRecorder.Summary t = closedAfter.summary();
    return new JsonObject().put("connections", connections).put("trickle_ms", trickleMs).put("opened", opened.get())
        .put("connect_failed", failed.get()).put("closed_by_node", closedByNode.get())
        .put("open_at_stop", opened.get() - closedByNode.get())
        .put("closed_after_s_p50", Result.round(t.median() / 1000)).put("closed_after_s_max", Result.round(t.max() / 1000));
  }
}
