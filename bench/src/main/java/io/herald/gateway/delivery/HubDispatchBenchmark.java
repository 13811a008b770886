package io.herald.gateway.delivery;

import io.herald.bench.Payloads;
import io.herald.core.HistoryPage;
import io.herald.core.Message;
import io.herald.core.RandomIds;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.session.ClientSession;
import io.herald.gateway.transport.ClientSocket;
import io.herald.gateway.transport.EmbeddedSockets;
import io.herald.gateway.ws.ClientConnections;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hub dispatch: one message of a channel (~100 bytes of data) to its {@link #subscribers} subscribers on one event
 * loop, per message; a subscriber's share is the score / subscribers.
 * <p>
 * What it covers: {@link Subscribers#offer}, which {@code ChannelHub}'s per-channel dispatch calls for each message
 * (the hub itself is reached only through an event-bus consumer, so it is left out with its two cheap per-message
 * steps: the channel's latest position and one metrics update). Per subscriber that is {@link Subscription#offer}
 * (dedupe and order checks), the /ws protocol's {@code ClientConnection.deliver}, {@link ClientSession#send}
 * (closed and slow-consumer checks) and {@link ClientSocket#write}: a text frame through Netty's RFC 6455 encoder
 * of a real pipeline, on an {@link EmbeddedChannel} per subscriber, and the loop's one flush task for them all. The
 * {@code message} frame is encoded once per operation (by the first delivery, as on the node; see
 * {@code FrameEncodingBenchmark}). Each operation then does what the event loop does next: runs every channel's
 * pending task (the loop's flushes are one task) and releases the bytes the encoder wrote, which an embedded
 * channel keeps in a queue instead of writing them to a socket. Not covered: the event bus hop into the loop and
 * the write(2) per connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HubDispatchBenchmark {

  private static final String CHANNEL = "room";

  @Param({"1", "100", "1000"})
  int subscribers;

  private final Buffer data = Payloads.data(100);
  private final String epoch = RandomIds.epoch();
  private final Subscribers channel = new Subscribers();
  private EmbeddedChannel[] sockets;
  private Vertx vertx;
  private long offset;

  @Setup
  public void setUp() {
    vertx = Vertx.vertx(); // the node's LimitEvents live in its shared data; no event loop runs the benchmark
    HeraldConfig config = HeraldConfig.defaults();
    GatewayServices services = new GatewayServices("bench", config, null, null, null, null, null,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null);
    GatewayLoop loop = new GatewayLoop(vertx, services, null, null, null, null);
    sockets = new EmbeddedChannel[subscribers];
    for (int i = 0; i < subscribers; i++) {
      ClientSocket socket = EmbeddedSockets.open(config);
      Subscription s = new Subscription(CHANNEL, ClientConnections.of(socket, loop), null);
      s.start(null, null, new HistoryPage(epoch, 0, 1, List.of())); // live from offset 0: writes `subscribed`
      channel.add(s);
      sockets[i] = (EmbeddedChannel) socket.channel();
    }
    drain();
    checkEverySubscriberGetsTheFrame();
  }

  /** Fails the run unless one dispatch writes the message's frame, whole, to every socket. */
  private void checkEverySubscriberGetsTheFrame() {
    Message message = next();
    int written = channel.offer(message);
    int payload = message.frame().length();
    int expected = payload + (payload < 126 ? 2 : 4); // unmasked frame header
    for (EmbeddedChannel socket : sockets) {
      socket.runPendingTasks();
      int bytes = 0;
      for (ByteBuf out; (out = socket.readOutbound()) != null; out.release()) {
        bytes += out.readableBytes();
      }
      if (bytes != expected) {
        throw new IllegalStateException("a socket got " + bytes + " bytes, not " + expected);
      }
    }
    if (written != subscribers) {
      throw new IllegalStateException("written to " + written + " of " + subscribers + " subscribers");
    }
  }

  @Benchmark
  public int dispatch() {
    int written = channel.offer(next());
    drain();
    return written;
  }

  private Message next() {
    return new Message(CHANNEL, epoch, ++offset, System.currentTimeMillis(), data);
  }

  private void drain() {
    for (EmbeddedChannel socket : sockets) {
      socket.runPendingTasks();
      socket.releaseOutbound();
    }
  }

  @TearDown
  public void tearDown() {
    for (EmbeddedChannel socket : sockets) {
      socket.finishAndReleaseAll();
    }
    vertx.close().await();
  }
}
