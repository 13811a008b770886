package io.herald.load.engine;

import io.herald.load.peer.HeraldPeer;
import io.herald.load.peer.Peer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * N subscribers of one channel (or each of its own), over /ws or GraphQL (graphql-transport-ws), or a peer
 * broker's WebSocket ({@link Peer}), spread round-robin over the target nodes. Each keeps a
 * {@link DeliveryLedger} of the peer's message keys (Herald's offsets, or {@code data.i}); latencies go to
 * one shared recorder, from the intended send time the publisher put in {@code data.t} (epoch microseconds).
 * Frames the class does not handle itself (such as {@code pong}) go to the {@link #onFrame} listener.
 */
public final class Subscribers {

  /** {@code WS_BATCH}: /ws subscribers that ask for {@code messages} frames ({@code ?batch=true}, batch_ms). */
  public enum Protocol { WS, WS_BATCH, GRAPHQL }

  /** How long a subscriber may take from connecting to its subscription being confirmed. */
  public static final long SETUP_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final List<URI> nodes;
  private final Peer peer;
  private final String channel;
  private final boolean ownChannels;
  private final WebSocketClient client;
  private volatile LatencyRecorder latency = new LatencyRecorder();
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong lastOffsetSeen = new AtomicLong();
  private final AtomicLong disconnects = new AtomicLong();
  private final Map<String, AtomicLong> disconnectCodes = new ConcurrentHashMap<>();
  private volatile boolean closing;
  private volatile BiConsumer<Subscriber, JsonObject> frameListener = (s, frame) -> { };

  /** Herald subscribers over {@code protocol}. */
  public Subscribers(Vertx vertx, List<URI> nodes, Protocol protocol, String channel) {
    this(vertx, nodes, protocol, channel, false);
  }

  /** With {@code ownChannels}, subscriber {@code i} subscribes to {@code channel-i} instead of the shared {@code channel}. */
  public Subscribers(Vertx vertx, List<URI> nodes, Protocol protocol, String channel, boolean ownChannels) {
    this(vertx, nodes, protocol == Protocol.WS_BATCH ? HeraldPeer.batched() : new HeraldPeer(protocol == Protocol.GRAPHQL),
        channel, ownChannels);
  }

  public Subscribers(Vertx vertx, List<URI> nodes, Peer peer, String channel) {
    this(vertx, nodes, peer, channel, false);
  }

  /**
   * Herald subscribers over {@code protocol} whose {@link #open} ends with every subscription live and its
   * setup timed: a /ws subscription is confirmed by {@code subscribed}; for GraphQL ones a marker is published
   * first and each subscription asks for it back ({@code sinceOffset}), its replay being the confirmation.
   */
  public static Future<Subscribers> herald(Vertx vertx, List<URI> nodes, Protocol protocol, String channel,
                                           Publisher publisher) {
    if (protocol != Protocol.GRAPHQL) {
      return Future.succeededFuture(new Subscribers(vertx, nodes, protocol, channel));
    }
    return publisher.publishReply(Publisher.MARKER).map(reply -> new Subscribers(vertx, nodes,
        HeraldPeer.graphqlReplayingAfter(reply.getString("epoch"), reply.getLong("offset") - 1), channel));
  }

  public Subscribers(Vertx vertx, List<URI> nodes, Peer peer, String channel, boolean ownChannels) {
    this(vertx, nodes, peer, channel, ownChannels, null);
  }

  /**
   * With {@code localAddress} (a 127.0.0.x address, or null for the system's choice), every connection
   * leaves from that address: each source address has its own range of ephemeral ports.
   */
  public Subscribers(Vertx vertx, List<URI> nodes, Peer peer, String channel, boolean ownChannels,
                     String localAddress) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.peer = peer;
    this.channel = channel;
    this.ownChannels = ownChannels;
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 22).setMaxConnections(100_000);
    if (localAddress != null) {
      options.setLocalAddress(localAddress);
    }
    this.client = vertx.createWebSocketClient(options);
  }

  /** Connects and subscribes {@code count} more subscribers, at most {@code perSecond} new ones a second. */
  public Future<Void> open(int count, int perSecond) {
    List<Future<Void>> all = new ArrayList<>(count);
    long intervalNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      int index = subscribers.size();
      URI node = nodes.get(index % nodes.size());
      Subscriber s = new Subscriber(ownChannels ? channel + "-" + index : channel);
      subscribers.add(s);
      long delayMs = intervalNanos == 0 ? 0 : (start + i * intervalNanos - System.nanoTime()) / 1_000_000;
      if (delayMs <= 0) {
        all.add(s.connect(node));
      } else {
        Promise<Void> done = Promise.promise();
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

  /** Error events: failed connects or subscriptions, socket exceptions, {@code error} frames. */
  public long errors() {
    return errors.get();
  }

  /** Connections the server (or the network) closed before {@link #close}. */
  public long disconnects() {
    return disconnects.get();
  }

  /** Those disconnects by close code ({@code "4011"}: heartbeat timeout; {@code "none"}: no close frame). */
  public JsonObject disconnectCodes() {
    JsonObject codes = new JsonObject();
    new TreeMap<>(disconnectCodes).forEach((code, n) -> codes.put(code, n.get()));
    return codes;
  }

  /** Receives every frame this class does not handle itself, on the subscriber's event loop. */
  public void onFrame(BiConsumer<Subscriber, JsonObject> listener) {
    frameListener = listener;
  }

  /** Connect + subscribe times of the confirmed subscribers, in microseconds. */
  public LatencyRecorder setupTimes() {
    LatencyRecorder times = new LatencyRecorder();
    subscribers.stream().filter(s -> s.setupNanos >= 0).forEach(s -> times.recordMicros(s.setupNanos / 1_000));
    return times;
  }

  /** The highest offset any subscriber has seen. */
  public long lastOffsetSeen() {
    return lastOffsetSeen.get();
  }

  /** Counts deliveries of offsets from {@code firstOffset} on, for every subscriber (earlier ones are warm-up). */
  public void startCounting(long firstOffset) {
    latency = new LatencyRecorder();
    subscribers.forEach(s -> s.ledger = new DeliveryLedger(firstOffset));
  }

  /**
   * Connect-to-101 times of the subscribers whose handshake completed: the part of the setup every peer has (Nchan
   * subscribes by URL and confirms nothing more).
   */
  public LatencyRecorder handshakeTimes() {
    LatencyRecorder times = new LatencyRecorder();
    subscribers.stream().filter(s -> s.handshakeNanos >= 0).forEach(s -> times.recordMicros(s.handshakeNanos / 1_000));
    return times;
  }

  /** How many subscribers completed their WebSocket handshake. */
  public long handshaken() {
    return subscribers.stream().filter(s -> s.handshakeNanos >= 0).count();
  }

  /**
   * How many subscribers {@link #open} opened: those whose subscription was confirmed or, for a peer that confirms
   * none (the scenario's marker confirms them later), whose handshake completed.
   */
  public long opened() {
    return peer.confirmsSubscription() ? confirmed() : handshaken();
  }

  /** How many subscribers have had their subscription confirmed. */
  public long confirmed() {
    return subscribers.stream().filter(s -> s.setupNanos >= 0).count();
  }

  /** Sum over subscribers of the messages received (distinct offsets). */
  public long delivered() {
    return subscribers.stream().mapToLong(s -> s.ledger.delivered()).sum();
  }

  /** Closes every socket with a close frame (not counted as disconnects), then the client. */
  public Future<Void> close() {
    closing = true;
    List<Future<Void>> closes = subscribers.stream().map(Subscriber::close).toList();
    return Future.join(closes).transform(ar -> client.close());
  }

  /** One subscriber: its socket, its ledger and the time its subscription was confirmed. */
  public final class Subscriber {
    private volatile DeliveryLedger ledger = new DeliveryLedger(Long.MAX_VALUE);
    private final String channel;
    private volatile WebSocket ws;
    private long connectNanos;
    private final Promise<Void> subscribed = Promise.promise();

    Subscriber(String channel) {
      this.channel = channel;
    }

    public DeliveryLedger ledger() {
      return ledger;
    }

    /** Nanoseconds from connecting to the subscription being confirmed (or -1 before). */
    public long setupNanos = -1;
    /** Nanoseconds from connecting to the 101 (or -1 before). */
    volatile long handshakeNanos = -1;

    Future<Void> connect(URI node) {
      connectNanos = System.nanoTime();
      ClientWebSocket socket = client.webSocket();
      socket.textMessageHandler(this::onText);
      socket.closeHandler(v -> {
        subscribed.tryFail("closed");
        if (!closing) {
          disconnects.incrementAndGet();
          Short code = socket.closeStatusCode();
          disconnectCodes.computeIfAbsent(code == null ? "none" : code.toString(), c -> new AtomicLong()).incrementAndGet();
        }
      });
      socket.exceptionHandler(t -> errors.incrementAndGet());
      long timer = vertx.setTimer(SETUP_TIMEOUT_MS, id -> subscribed.tryFail("not subscribed in time"));
      subscribed.future().onComplete(ar -> vertx.cancelTimer(timer));
      socket.connect(peer.subscribeOptions(node, channel)).onSuccess(ws -> {
        handshakeNanos = System.nanoTime() - connectNanos;
        this.ws = ws;
        peer.openingFrames(channel).forEach(ws::writeTextMessage);
        // Without a "subscribed" frame, the scenario's marker message confirms the subscriber later.
        if (!peer.confirmsSubscription()) {
          subscribed.tryComplete();
        }
      }).onFailure(t -> {
        errors.incrementAndGet();
        subscribed.tryFail(t);
      });
      // Done when subscribed, or failed: a connect or handshake the server has not answered within
      // SETUP_TIMEOUT_MS fails the subscriber then, whenever the client would give up on the socket itself.
      return subscribed.future();
    }

    private void onText(String text) {
      Peer.Frame frame = peer.parse(text, channel);
      switch (frame.type()) {
        case MESSAGE -> delivered(frame.key(), frame.data());
        case MESSAGES -> frame.items().forEach(m -> delivered(m.key(), m.data()));
        case SUBSCRIBED -> confirmed();
        case REPLY -> ws.writeTextMessage(frame.reply());
        case ERROR -> errors.incrementAndGet();
        case OTHER -> frameListener.accept(this, new JsonObject(text));
      }
    }

    /** Sends a text frame; false when the socket is not open. */
    public boolean send(String text) {
      WebSocket socket = ws;
      if (socket == null || socket.isClosed()) {
        return false;
      }
      socket.writeTextMessage(text);
      return true;
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
      WebSocket socket = ws;
      return socket == null || socket.isClosed() ? Future.succeededFuture() : socket.close();
    }
  }
}
