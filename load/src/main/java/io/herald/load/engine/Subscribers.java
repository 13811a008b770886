package io.herald.load.engine;

import io.herald.load.peer.HeraldPeer;
import io.herald.load.peer.Peer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N subscribers of one channel, over /ws or GraphQL (graphql-transport-ws), or a peer broker's WebSocket
 * ({@link Peer}), spread round-robin over the target nodes. Each keeps a {@link DeliveryLedger} of the
 * peer's message keys (Herald's offsets, or {@code data.i}); latencies go to one shared recorder, from
 * the intended send time the publisher put in {@code data.t} (epoch microseconds).
 */
public final class Subscribers {

  public enum Protocol { WS, GRAPHQL }

  private final Vertx vertx;
  private final List<URI> nodes;
  private final Peer peer;
  private final String channel;
  private final WebSocketClient client;
  private volatile LatencyRecorder latency = new LatencyRecorder();
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong lastOffsetSeen = new AtomicLong();

  /** Herald subscribers over {@code protocol}. */
  public Subscribers(Vertx vertx, List<URI> nodes, Protocol protocol, String channel) {
    this(vertx, nodes, new HeraldPeer(protocol == Protocol.GRAPHQL), channel);
  }

  public Subscribers(Vertx vertx, List<URI> nodes, Peer peer, String channel) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.peer = peer;
    this.channel = channel;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 22).setMaxConnections(100_000));
  }

  /**
   * Connects and subscribes {@code count} more subscribers, at most {@code perSecond} new ones a second; completes
   * when each is confirmed, or for a peer that sends no confirmation ({@link Peer#confirmsSubscription()}) when
   * each socket is open.
   */
  public Future<Void> open(int count, int perSecond) {
    List<Future<Void>> all = new ArrayList<>(count);
    long intervalNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      URI node = nodes.get((subscribers.size()) % nodes.size());
      Subscriber s = new Subscriber();
      subscribers.add(s);
      long delayMs = intervalNanos == 0 ? 0 : (start + i * intervalNanos - System.nanoTime()) / 1_000_000;
      if (delayMs <= 0) {
        all.add(s.connect(node));
      } else {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        vertx.setTimer(delayMs, id -> s.connect(node).onComplete(done));
        all.add(done.future());
      }
    }
    return Future.join(all).mapEmpty();
  }

  public Peer peer() {
    return peer;
  }

  public LatencyRecorder latency() {
    return latency;
  }

  public List<Subscriber> all() {
    return subscribers;
  }

  public long errors() {
    return errors.get();
  }

  /** The highest offset (or, for a peer without offsets, {@code data.i}) any subscriber has seen. */
  public long lastOffsetSeen() {
    return lastOffsetSeen.get();
  }

  /**
   * Counts deliveries of offsets (or {@code data.i}, see {@link Peer#keysByOffset()}) from {@code firstOffset} on,
   * for every subscriber (earlier ones are warm-up).
   */
  public void startCounting(long firstOffset) {
    latency = new LatencyRecorder();
    subscribers.forEach(s -> s.ledger = new DeliveryLedger(firstOffset));
  }

  /** How many subscribers have had their subscription confirmed. */
  public long confirmed() {
    return subscribers.stream().filter(s -> s.setupNanos >= 0).count();
  }

  /** Sum over subscribers of the messages received (distinct offsets). */
  public long delivered() {
    return subscribers.stream().mapToLong(s -> s.ledger.delivered()).sum();
  }

  public Future<Void> close() {
    return client.close();
  }

  /** One subscriber: its socket, its ledger and the time its subscription was confirmed. */
  public final class Subscriber {
    private volatile DeliveryLedger ledger = new DeliveryLedger(Long.MAX_VALUE);
    private WebSocket ws;
    private long connectNanos;
    private io.vertx.core.Promise<Void> subscribed = io.vertx.core.Promise.promise();

    Subscriber() {
    }

    public DeliveryLedger ledger() {
      return ledger;
    }

    /** Nanoseconds from connecting to the subscription being confirmed (or -1 before). */
    public long setupNanos = -1;

    Future<Void> connect(URI node) {
      connectNanos = System.nanoTime();
      io.vertx.core.http.ClientWebSocket socket = client.webSocket();
      socket.textMessageHandler(this::onText);
      socket.closeHandler(v -> subscribed.tryFail("closed"));
      socket.exceptionHandler(t -> errors.incrementAndGet());
      return socket.connect(peer.subscribeOptions(node, channel)).compose(ws -> {
        this.ws = ws;
        peer.openingFrames(channel).forEach(ws::writeTextMessage);
        // Without a "subscribed" frame, the scenario's marker message confirms the subscriber later.
        return peer.confirmsSubscription() ? subscribed.future() : Future.<Void>succeededFuture();
      }).onFailure(t -> errors.incrementAndGet());
    }

    private void onText(String text) {
      Peer.Frame frame = peer.parse(text, channel);
      switch (frame.type()) {
        case MESSAGE -> delivered(frame.key(), frame.data());
        case SUBSCRIBED -> confirmed();
        case REPLY -> ws.writeTextMessage(frame.reply());
        case ERROR -> errors.incrementAndGet();
        case OTHER -> { }
      }
    }

    private void confirmed() {
      if (setupNanos < 0) {
        setupNanos = System.nanoTime() - connectNanos;
      }
      subscribed.tryComplete();
    }

    private void delivered(long offset, Object data) {
      lastOffsetSeen.accumulateAndGet(offset, Math::max);
      if (data instanceof JsonObject d && d.containsKey("t")) {
        latency.record(d.getLong("t"), Clock.micros());
        ledger.received(offset);
      } else {
        confirmed(); // the marker message
      }
    }

    public Future<Void> close() {
      return ws == null ? Future.succeededFuture() : ws.close();
    }
  }
}
