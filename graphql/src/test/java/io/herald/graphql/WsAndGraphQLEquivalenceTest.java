package io.herald.graphql;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.herald.graphql.testing.GraphQLGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /ws and GraphQL subscribers of one channel see the same stream: while HTTP and /ws publishers
 * publish concurrently, every subscriber of both kinds receives the identical sequence of
 * (epoch, offset, data), gapless from offset 1 without duplicates, with each message's data
 * byte-exact as its publisher wrote it.
 *
 * <p>/ws subscribers are {@link RawWebSocket}s, which hand over each frame's text as received
 * ({@link WsClient} parses frames, which would re-encode {@code data}); GraphQL subscribers are
 * {@link GraphQLWsClient}s. The data deliberately uses forms a re-encoding would change (a
 * unicode escape, an escaped slash, the number {@code 1.50E1}, spaces), so a byte-exact match
 * proves the bytes went through untouched.
 */
class WsAndGraphQLEquivalenceTest {

  static final String CHANNEL = "equiv:room";
  static final int SUBSCRIBERS_PER_KIND = 4;
  static final int HTTP_PUBLISHERS = 2;
  static final int WS_PUBLISHERS = 2;
  static final int MESSAGES_PER_PUBLISHER = 75;
  static final int TOTAL = (HTTP_PUBLISHERS + WS_PUBLISHERS) * MESSAGES_PER_PUBLISHER;
  static final long TIMEOUT_S = 60;

  /** A GraphQL subscription from (epoch, offset 0): every message from offset 1, however late it starts. */
  static final String SUBSCRIPTION = """
      subscription Equivalence($channel: String!, $epoch: String!) {
        messages(channel: $channel, sinceOffset: 0, epoch: $epoch) { epoch offset data }
      }""";

  @RegisterExtension
  static final TestGatewayExtension node = GraphQLGateway.withDefaults()
      // History holds the whole run, so a GraphQL subscription's start from offset 0 is always covered.
      .namespaces(new JsonObject().put("equiv", new JsonObject().put("history_size", 1000)));

  /** One message as a subscriber received it; {@code data} is its raw JSON text. */
  record Delivery(String epoch, long offset, String data) {
  }

  final List<AutoCloseable> clients = new ArrayList<>();
  final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void closeClients() throws Exception {
    threads.shutdownNow();
    for (AutoCloseable c : clients) {
      c.close();
    }
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).as("test threads ended").isTrue();
  }

  @Test
  void everySubscriberOfBothKindsSeesTheSameGaplessByteExactSequence() throws Exception {
    List<RawWebSocket> wsSubscribers = new ArrayList<>();
    String epoch = null;
    for (int i = 0; i < SUBSCRIBERS_PER_KIND; i++) {
      RawWebSocket ws = track(RawWebSocket.connect(node.port()));
      ws.next("connected");
      ws.send(new JsonObject().put("type", "subscribe").put("id", 1).put("channel", CHANNEL));
      JsonObject subscribed = ws.next("subscribed");
      assertThat(subscribed.getLong("offset")).as("a fresh channel").isZero();
      epoch = epoch == null ? subscribed.getString("epoch") : epoch;
      assertThat(subscribed.getString("epoch")).isEqualTo(epoch);
      wsSubscribers.add(ws);
    }
    List<GraphQLWsClient> graphQLSubscribers = new ArrayList<>();
    for (int i = 0; i < SUBSCRIBERS_PER_KIND; i++) {
      GraphQLWsClient socket = track(GraphQLWsClient.connectAndInit(node.vertx(), node.port()));
      socket.subscribe("s" + i, SUBSCRIPTION, new JsonObject().put("channel", CHANNEL).put("epoch", epoch));
      graphQLSubscribers.add(socket);
    }
    // Publishing starts once every subscriber is registered, so most messages are delivered live;
    // the GraphQL subscriptions' start from offset 0 covers the rest.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        node.http().get("/api/channels/" + CHANNEL + "/presence").json().getJsonArray("clients"))
        .hasSize(2 * SUBSCRIBERS_PER_KIND));

    List<Future<List<Delivery>>> received = new ArrayList<>();
    for (RawWebSocket ws : wsSubscribers) {
      received.add(threads.submit(() -> receive(ws)));
    }
    for (int i = 0; i < SUBSCRIBERS_PER_KIND; i++) {
      GraphQLWsClient socket = graphQLSubscribers.get(i);
      String id = "s" + i;
      received.add(threads.submit(() -> receive(socket, id)));
    }
    List<Future<List<Delivery>>> published = new ArrayList<>();
    for (int p = 0; p < HTTP_PUBLISHERS; p++) {
      published.add(threads.submit(httpPublisher("http-" + p, node.newHttp())));
    }
    for (int p = 0; p < WS_PUBLISHERS; p++) {
      published.add(threads.submit(wsPublisher("ws-" + p, track(node.connect()))));
    }

    List<Delivery> expected = new ArrayList<>();
    for (Future<List<Delivery>> publisher : published) {
      expected.addAll(publisher.get(TIMEOUT_S, TimeUnit.SECONDS));
    }
    expected.sort(Comparator.comparingLong(Delivery::offset));
    assertThat(expected).extracting(Delivery::offset).as("offsets the publishers were given")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, TOTAL).boxed().toList());
    assertThat(expected).extracting(Delivery::epoch).containsOnly(epoch);

    for (int s = 0; s < received.size(); s++) {
      String who = s < SUBSCRIBERS_PER_KIND ? "/ws subscriber " + s : "GraphQL subscriber " + (s - SUBSCRIBERS_PER_KIND);
      assertThat(received.get(s).get(TIMEOUT_S, TimeUnit.SECONDS)).as(who).containsExactlyElementsOf(expected);
    }
  }

  /** The data a publisher sends as its {@code seq}-th message, in forms a re-encoding would change. */
  static String data(String publisher, int seq) {
    return "{ \"publisher\" : \"" + publisher + "\", \"seq\":" + seq
        + ", \"text\":\"h\\u00e9llo \\\"q\\\" \u2713 \uD83D\uDE00 \\/ \\\\\", \"n\":1.50E1,\"list\":[ 1 , -0.0 ,true,null ] }";
  }

  /** Publishes over POST /api/publish, one message after the other; returns what was published where. */
  static Callable<List<Delivery>> httpPublisher(String name, HttpApiClient http) {
    return () -> {
      List<Delivery> sent = new ArrayList<>();
      for (int seq = 1; seq <= MESSAGES_PER_PUBLISHER; seq++) {
        String data = data(name, seq);
        HttpApiClient.Response r = http.post("/api/publish",
            Buffer.buffer("{\"channel\":\"" + CHANNEL + "\",\"data\":" + data + "}"), null);
        assertThat(r.status()).as("publish by %s: %s", name, r.body()).isEqualTo(200);
        sent.add(new Delivery(r.json().getString("epoch"), r.json().getLong("offset"), data));
      }
      return sent;
    };
  }

  /** Publishes over /ws, one message after the other; returns what was published where. */
  static Callable<List<Delivery>> wsPublisher(String name, WsClient ws) {
    return () -> {
      List<Delivery> sent = new ArrayList<>();
      for (int seq = 1; seq <= MESSAGES_PER_PUBLISHER; seq++) {
        String data = data(name, seq);
        ws.sendText("{\"type\":\"publish\",\"id\":" + seq + ",\"channel\":\"" + CHANNEL + "\",\"data\":" + data + "}");
        JsonObject reply = ws.next("published");
        assertThat(reply.getInteger("id")).isEqualTo(seq);
        sent.add(new Delivery(reply.getString("epoch"), reply.getLong("offset"), data));
      }
      return sent;
    };
  }

  /** The first {@link #TOTAL} {@code message} frames of a /ws subscriber, data as received. */
  static List<Delivery> receive(RawWebSocket ws) {
    List<Delivery> deliveries = new ArrayList<>();
    while (deliveries.size() < TOTAL) {
      RawWebSocket.Frame frame = ws.readFrame();
      if (frame.opcode() == RawWebSocket.PING || frame.opcode() == RawWebSocket.PONG) {
        continue;
      }
      JsonObject message = frame.opcode() == RawWebSocket.TEXT ? frame.json() : null;
      if (message == null || !"message".equals(message.getString("type"))) {
        throw new AssertionError("expected a message frame, got opcode " + frame.opcode() + ": " + frame.text());
      }
      deliveries.add(new Delivery(message.getString("epoch"), message.getLong("offset"), RawJson.member(frame.text(), "data")));
    }
    return deliveries;
  }

  /** The first {@link #TOTAL} {@code next} frames of GraphQL operation {@code id}, data as received. */
  static List<Delivery> receive(GraphQLWsClient socket, String id) {
    List<Delivery> deliveries = new ArrayList<>();
    while (deliveries.size() < TOTAL) {
      String text = socket.nextText();
      JsonObject frame = new JsonObject(text);
      if (!"next".equals(frame.getString("type")) || !id.equals(frame.getString("id"))
          || frame.getJsonObject("payload").containsKey("errors")) {
        throw new AssertionError("expected a next frame of " + id + " with data, got " + text);
      }
      JsonObject message = frame.getJsonObject("payload").getJsonObject("data").getJsonObject("messages");
      deliveries.add(new Delivery(message.getString("epoch"), message.getLong("offset"),
          RawJson.member(text, "payload", "data", "messages", "data")));
    }
    return deliveries;
  }

  private <T extends AutoCloseable> T track(T client) {
    clients.add(client);
    return client;
  }
}
