package io.herald.node.hostile;

import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One hostile client floods a node with thousands of WebSocket connections (from one address: most get 429
 * from ws.connect_rate_per_ip) and thousands of malformed frames and publishes (from another address, over
 * connections that never read), while a well-behaved subscriber receives what a backend publishes meanwhile:
 * it must get every message, in order (its latency is not asserted: the machine is shared). Afterwards the
 * connection and subscription gauges return to the well-behaved client alone, and the heap to near where it
 * was.
 */
class FloodTest {

  private static final int CONNECTION_ATTEMPTS = 2_000;
  private static final int FRAME_CONNECTIONS = 10;
  private static final int FRAMES_PER_CONNECTION = 1_000;
  private static final int MIN_MESSAGES = 300;
  private static final int MAX_MESSAGES = 5_000;
  private static final String CHANNEL = "flood:steady";
  private static final long HEAP_SLACK_BYTES = 64L << 20;

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of(
      "ws.connect_rate_exempt_loopback", "false", "ws.connect_rate_per_ip", "200", "ws.connect_burst_per_ip", "300",
      "ws.publish_rate", "100", "ws.publish_burst", "100", "ws.publish_max_rejections", "50"));

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

  private long heapAfterGc() {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  @Test
  void wellBehavedSubscriberGetsEverythingInOrderThroughAFloodAndTheNodeRecovers() throws Exception {
    long heapBefore = heapAfterGc();
    ExecutorService attackers = Executors.newFixedThreadPool(2);
    try (WsClient subscriber = node.connect()) {
      String epoch = subscriber.subscribe(1, CHANNEL).getString("epoch");
      AtomicInteger accepted = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      AtomicInteger frames = new AtomicInteger();
      CompletableFuture<Void> connectionFlood = CompletableFuture.runAsync(() -> floodConnections(accepted, refused), attackers);
      CompletableFuture<Void> frameFlood = CompletableFuture.runAsync(() -> floodFrames(frames), attackers);
      CompletableFuture<Void> flood = CompletableFuture.allOf(connectionFlood, frameFlood);

      int published = 0;
      while (published < MAX_MESSAGES && (published < MIN_MESSAGES || !flood.isDone())) {
        published++;
        node.http().publish(CHANNEL, new JsonObject().put("n", published));
      }
      flood.get(120, TimeUnit.SECONDS);
      System.out.println("FloodTest: " + accepted + " connections accepted, " + refused + " refused with 429, "
          + frames + " malformed frames sent, " + published + " messages published meanwhile");

      for (int n = 1; n <= published; n++) {
        JsonObject message = subscriber.next("message");
        assertThat(message.getLong("offset")).isEqualTo(n);
        assertThat(message.getString("epoch")).isEqualTo(epoch);
        assertThat(message.getJsonObject("data").getInteger("n")).isEqualTo(n);
      }
      assertThat(subscriber.framesUntilPong(2)).as("nothing else, and still open").isEmpty();
      assertThat(accepted.get() + refused.get()).isEqualTo(CONNECTION_ATTEMPTS);

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(Metrics.value(node.http(), "herald_connections_active")).isEqualTo(1);
        assertThat(Metrics.value(node.http(), "herald_subscriptions_active")).isEqualTo(1);
      });
    } finally {
      attackers.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> heapAfterGc() < heapBefore + HEAP_SLACK_BYTES);
  }

  /** Upgrades from 127.0.0.2 as fast as they go, each closed at once: 101 or 429, nothing else. */
  private static void floodConnections(AtomicInteger accepted, AtomicInteger refused) {
    for (int i = 0; i < CONNECTION_ATTEMPTS; i++) {
      int status = RawWebSocket.upgradeFrom("127.0.0.2", "127.0.0.1", node.port(), "/ws", Map.of()).status();
      switch (status) {
        case 101 -> accepted.incrementAndGet();
        case 429 -> refused.incrementAndGet();
        default -> throw new AssertionError("upgrade answered " + status);
      }
    }
  }

  /**
   * From 127.0.0.3, connections that never read send malformed JSON, binary frames, unknown types and
   * publishes over the rate; each ends when the server closes it (1008, 4008) or after its frames.
   */
  private static void floodFrames(AtomicInteger sent) {
    Random random = new Random(42);
    for (int c = 0; c < FRAME_CONNECTIONS; c++) {
      try (RawWebSocket ws = RawWebSocket.connectFrom("127.0.0.3", node.port(), "/ws", null, 4096)) {
        for (int i = 0; i < FRAMES_PER_CONNECTION; i++) {
          switch (random.nextInt(5)) {
            case 0 -> ws.sendText("{\"type\":\"publish\",\"id\":" + i + ",\"channel\":\"flood:noise\",\"data\":" + i + "}");
            case 1 -> ws.sendText("{\"type\":\"subscribe\",\"channel\":" + i);
            case 2 -> ws.sendFrame(0x2, new byte[random.nextInt(100)]);
            case 3 -> ws.sendText("{\"type\":\"nope\",\"id\":" + i + "}");
            default -> ws.sendFrame(RawWebSocket.TEXT, "\u00ff\u00fe".getBytes(StandardCharsets.ISO_8859_1));
          }
          sent.incrementAndGet();
        }
      } catch (IllegalStateException closedByTheServer) {
        // a write after the server closed this connection; the next one goes on
      }
    }
  }
}
