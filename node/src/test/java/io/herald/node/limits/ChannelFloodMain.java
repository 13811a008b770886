package io.herald.node.limits;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reproduction of the unbounded-channel-state report, run by hand against a node started with
 * {@code java -Xmx750m -jar node/target/herald.jar --port 18181} (not part of the build): 8 anonymous
 * /ws connections publish one 32 KiB message to each of 20,000 new channels (640 MB), each connection
 * within ws.publish_rate (450/s of its 500/s). Prints the replies by type and error code. Args: port,
 * connections, channels (defaults 18181, 8, 20000).
 */
public final class ChannelFloodMain {

  private static final int PER_SECOND = 450;
  private static final String DATA = "\"" + "x".repeat(32_760) + "\"";

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18181;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int channels = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    int perConnection = channels / connections;
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 24));
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(connections);
    long start = System.currentTimeMillis();
    for (int c = 0; c < connections; c++) {
      int conn = c;
      client.connect(port, "localhost", "/ws").onSuccess(ws -> flood(vertx, ws, conn, perConnection, outcomes, done))
          .onFailure(t -> {
            outcomes.computeIfAbsent("connect failed: " + t.getMessage(), k -> new AtomicInteger()).incrementAndGet();
            done.countDown();
          });
    }
    boolean finished = done.await(10, TimeUnit.MINUTES);
    System.out.printf("finished=%s in %d ms: %s%n", finished, System.currentTimeMillis() - start, new TreeMap<>(outcomes));
    vertx.close().await();
  }

  /** Sends {@code count} publishes to new channels, {@link #PER_SECOND} a second, and counts the replies. */
  private static void flood(Vertx vertx, WebSocket ws, int conn, int count, Map<String, AtomicInteger> outcomes,
                            CountDownLatch done) {
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    ws.textMessageHandler(text -> {
      JsonObject reply = new JsonObject(text);
      if (reply.getValue("id") == null) {
        return; // connected
      }
      String key = reply.getString("type") + (reply.containsKey("code") ? ":" + reply.getString("code") : "");
      outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      if (answered.incrementAndGet() == count) {
        ws.close();
        done.countDown();
      }
    });
    ws.closeHandler(v -> {
      if (answered.get() < count) {
        outcomes.computeIfAbsent("closed " + ws.closeStatusCode(), k -> new AtomicInteger()).incrementAndGet();
        done.countDown();
      }
    });
    vertx.setPeriodic(100, timer -> {
      List<Future<Void>> writes = new ArrayList<>();
      for (int i = 0; i < PER_SECOND / 10 && sent.get() < count && !ws.isClosed(); i++) {
        int n = sent.incrementAndGet();
        writes.add(ws.writeTextMessage("{\"type\":\"publish\",\"id\":" + n + ",\"channel\":\"flood-" + conn + "-" + n
            + "\",\"data\":" + DATA + "}"));
      }
      if (sent.get() >= count || ws.isClosed()) {
        vertx.cancelTimer(timer);
      }
    });
  }
}
