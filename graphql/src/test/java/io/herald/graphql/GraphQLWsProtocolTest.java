package io.herald.graphql;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.graphql.testing.GraphQLGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.herald.graphql.GraphQLSupport.messages;
import static io.herald.graphql.GraphQLSupport.subscribeLive;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * graphql-transport-ws at {@code /graphql}, message by message: init and ack, ping and pong, subscribe,
 * next, error, complete in both directions, and every close code the server uses for a client that
 * breaks the protocol (after which the node still serves new clients).
 */
class GraphQLWsProtocolTest {

  @RegisterExtension
  static final TestGatewayExtension node = GraphQLGateway.withDefaults();

  /** A node with short timers: it waits briefly for connection_init and for pongs. */
  @RegisterExtension
  static final TestGatewayExtension impatient = GraphQLGateway.withSettings(Map.of(
      "graphql.init_timeout_ms", "300", "ws.ping_interval_ms", "200", "ws.pong_timeout_ms", "300"));

  private static final AtomicInteger channels = new AtomicInteger();

  private static String freshChannel() {
    return "gqlproto-" + channels.incrementAndGet();
  }

  private static GraphQLWsClient connect(TestGatewayExtension target) {
    return GraphQLWsClient.connect(target.vertx(), target.port());
  }

  private static GraphQLWsClient connectAndInit(TestGatewayExtension target) {
    return GraphQLWsClient.connectAndInit(target.vertx(), target.port());
  }

  // ---- connection_init, ping, pong ----

  @Test
  void connectionInitIsAcknowledged() {
    try (GraphQLWsClient client = connect(node)) {
      assertThat(client.subProtocol()).isEqualTo("graphql-transport-ws");

      client.send(new JsonObject().put("type", "connection_init").put("payload", new JsonObject().put("any", "thing")));

      assertThat(client.next()).isEqualTo(new JsonObject().put("type", "connection_ack"));
      assertThat(client.framesUntilPong()).as("nothing after the ack").isEmpty();
    }
  }

  @Test
  void pingIsAnsweredWithPongBeforeAndAfterInit() {
    try (GraphQLWsClient client = connect(node)) {
      client.send(new JsonObject().put("type", "ping"));
      assertThat(client.next()).isEqualTo(new JsonObject().put("type", "pong"));

      client.init();
      client.send(new JsonObject().put("type", "ping").put("payload", new JsonObject().put("k", 1)));
      assertThat(client.expect("pong").containsKey("id")).isFalse();
    }
  }

  @Test
  void pongFromTheClientIsNotAnswered() {
    try (GraphQLWsClient client = connectAndInit(node)) {
      client.send(new JsonObject().put("type", "pong"));
      // A query as the marker (a ping would be answered by a pong just like a wrong reply).
      client.subscribe("marker", "{ channels { name } }");
      assertThat(client.next().getString("id")).as("first reply after the pong").isEqualTo("marker");
      client.expect("complete", "marker");
      assertThat(client.isClosed()).isFalse();
    }
  }

  // ---- subscribe, next, complete ----

  @Test
  void subscriptionGetsNextPerMessageAndClientCompleteStopsOnlyThatOperation() {
    String channel = freshChannel();
    try (GraphQLWsClient client = connectAndInit(node)) {
      subscribeLive(node, client, "a", messages(channel, "offset data"), null);
      subscribeLive(node, client, "b", messages(channel, "offset"), null);

      node.http().publish(channel, "one");
      JsonObject first = client.expect("next");
      JsonObject second = client.expect("next");
      assertThat(List.of(first.getString("id"), second.getString("id"))).containsExactlyInAnyOrder("a", "b");
      JsonObject forA = "a".equals(first.getString("id")) ? first : second;
      assertThat(forA).isEqualTo(new JsonObject("{\"id\":\"a\",\"type\":\"next\",\"payload\":"
          + "{\"data\":{\"messages\":{\"offset\":1,\"data\":\"one\"}}}}"));

      client.complete("a");
      // The server handles a connection's messages in order: once the pong is back, "a" is over.
      assertThat(client.framesUntilPong()).as("complete from the client has no reply").isEmpty();

      node.http().publish(channel, "two");
      JsonObject next = client.expect("next", "b");
      assertThat(GraphQLSupport.message(next).getLong("offset")).isEqualTo(2);
      // "a" would have been written in the same delivery as "b": nothing for it before the pong.
      assertThat(client.framesUntilPong()).as("nothing for the completed operation").isEmpty();

      node.http().publish(channel, "three");
      assertThat(GraphQLSupport.message(client.expect("next", "b")).getLong("offset")).isEqualTo(3);
      assertThat(client.framesUntilPong()).isEmpty();
    }
  }

  @Test
  void completeOfAnUnknownIdIsIgnored() {
    try (GraphQLWsClient client = connectAndInit(node)) {
      client.complete("never-started");
      assertThat(client.framesUntilPong()).isEmpty();
      assertThat(client.isClosed()).isFalse();
    }
  }

  @Test
  void completedSubscriptionIdCanBeUsedAgain() {
    String channel = freshChannel();
    try (GraphQLWsClient client = connectAndInit(node)) {
      subscribeLive(node, client, "same", messages(channel, "offset"), null);
      client.complete("same");
      assertThat(client.framesUntilPong()).isEmpty();

      subscribeLive(node, client, "same", messages(channel, "offset"), null);
      node.http().publish(channel, 1);
      assertThat(GraphQLSupport.message(client.expect("next", "same")).getLong("offset")).isEqualTo(1);
      assertThat(client.isClosed()).isFalse();
    }
  }

  @Test
  void queryOverTheSocketGivesOneNextThenComplete() {
    String channel = freshChannel();
    node.http().publish(channel, new JsonObject().put("n", 1));
    try (GraphQLWsClient client = connectAndInit(node)) {
      client.subscribe("q1", "query History($c: String!) { history(channel: $c) { offset data } }",
          new JsonObject().put("c", channel));

      assertThat(client.expect("next", "q1").getJsonObject("payload")).isEqualTo(new JsonObject()
          .put("data", new JsonObject().put("history", new JsonArray().add(new JsonObject().put("offset", 1)
              .put("data", new JsonObject().put("n", 1))))));
      assertThat(client.next()).isEqualTo(new JsonObject().put("id", "q1").put("type", "complete"));
      assertThat(client.framesUntilPong()).isEmpty();

      client.subscribe("q1", "{ history(channel: \"" + channel + "\") { offset } }");
      assertThat(client.expect("next", "q1").getJsonObject("payload").getJsonObject("data").getJsonArray("history"))
          .as("a completed query's id is free again").hasSize(1);
      client.expect("complete", "q1");
    }
  }

  @Test
  void mutationOverTheSocketGivesOneNextThenCompleteAndPublishes() {
    String channel = freshChannel();
    try (GraphQLWsClient client = connectAndInit(node)) {
      client.subscribe("m1", "mutation { publish(channel: \"" + channel + "\", data: {k: [1, 2]}) { channel offset epoch } }");

      JsonObject published = client.expect("next", "m1").getJsonObject("payload").getJsonObject("data").getJsonObject("publish");
      client.expect("complete", "m1");
      assertThat(published.getString("channel")).isEqualTo(channel);
      assertThat(published.getLong("offset")).isEqualTo(1);
      assertThat(published.getString("epoch")).isNotEmpty();
      JsonObject stored = node.http().get("/api/channels/" + channel + "/history").json();
      assertThat(stored.getString("epoch")).isEqualTo(published.getString("epoch"));
      assertThat(stored.getJsonArray("messages").getJsonObject(0).getValue("data"))
          .isEqualTo(new JsonObject().put("k", new JsonArray().add(1).add(2)));
    }
  }

  @Test
  void invalidOperationGetsErrorMessageWithoutCompleteAndTheConnectionStaysOpen() {
    try (GraphQLWsClient client = connectAndInit(node)) {
      client.subscribe("bad", "{ noSuchField }");

      JsonObject error = client.expect("error", "bad");
      JsonArray errors = error.getJsonArray("payload");
      assertThat(errors).isNotEmpty();
      assertThat(errors.getJsonObject(0).getString("message")).contains("noSuchField");
      assertThat(client.framesUntilPong()).as("an error ends the operation: no complete").isEmpty();

      client.subscribe("bad", "{ channels { name } }");
      client.expect("next", "bad");
      client.expect("complete", "bad");
    }
  }

  // ---- close codes ----

  /** A client that breaks the protocol, on which node, offering which subprotocols, and the close code it gets. */
  record BadClient(String name, TestGatewayExtension target, List<String> subProtocols, boolean init,
                   Consumer<GraphQLWsClient> misbehave, int closeCode) {
    @Override
    public String toString() {
      return closeCode + " " + name;
    }
  }

  private static Consumer<GraphQLWsClient> text(String text) {
    return client -> client.sendText(text);
  }

  private static final List<String> SUBPROTOCOL = List.of(GraphQLWsClient.SUBPROTOCOL);

  private static BadClient initialised(String name, Consumer<GraphQLWsClient> misbehave, int code) {
    return new BadClient(name, node, SUBPROTOCOL, true, misbehave, code);
  }

  static Stream<Arguments> badClients() {
    String query = "subscription { messages(channel: \"gqlproto-bad\") { offset } }";
    return Stream.of(
        initialised("malformed JSON", text("{\"type\":\"ping\""), 4400),
        initialised("not JSON at all", text("hello"), 4400),
        initialised("a JSON array", text("[{\"type\":\"ping\"}]"), 4400),
        initialised("a JSON string", text("\"ping\""), 4400),
        initialised("unknown type", text("{\"type\":\"start\",\"id\":\"1\"}"), 4400),
        initialised("no type", text("{\"id\":\"1\"}"), 4400),
        initialised("type not a string", text("{\"type\":7}"), 4400),
        initialised("subscribe without id", text("{\"type\":\"subscribe\",\"payload\":{\"query\":\"{ channels { name } }\"}}"), 4400),
        initialised("subscribe with an empty id", text("{\"id\":\"\",\"type\":\"subscribe\",\"payload\":{\"query\":\"{ channels { name } }\"}}"), 4400),
        initialised("subscribe with a numeric id", text("{\"id\":1,\"type\":\"subscribe\",\"payload\":{\"query\":\"{ channels { name } }\"}}"), 4400),
        initialised("subscribe without payload", text("{\"id\":\"1\",\"type\":\"subscribe\"}"), 4400),
        initialised("payload without query", text("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"variables\":{}}}"), 4400),
        initialised("query not a string", text("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":42}}"), 4400),
        initialised("binary frame", client -> client.sendBinary(Buffer.buffer("{\"type\":\"ping\"}")), 4400),
        new BadClient("binary frame before init", node, SUBPROTOCOL, false,
            client -> client.sendBinary(Buffer.buffer(new byte[] {1, 2, 3})), 4400),
        new BadClient("subscribe before connection_init", node, SUBPROTOCOL, false,
            client -> client.subscribe("1", query), 4401),
        new BadClient("no connection_init within graphql.init_timeout_ms", impatient, SUBPROTOCOL, false, client -> { }, 4408),
        initialised("subscribe with the id of a running subscription",
            client -> client.subscribe("dup", query).subscribe("dup", query), 4409),
        initialised("second connection_init", client -> client.send(new JsonObject().put("type", "connection_init")), 4429),
        new BadClient("no subprotocol offered", node, List.of(), false, client -> { }, 4406))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badClients")
  void protocolViolationClosesWithItsCodeAndTheNodeKeepsServing(BadClient bad) {
    try (GraphQLWsClient client = GraphQLWsClient.connect(bad.target().vertx(), bad.target().port(), bad.subProtocols())) {
      if (bad.init()) {
        client.init();
      }
      bad.misbehave().accept(client);

      assertThat(client.awaitClose()).as("close code").isEqualTo((short) bad.closeCode());
    }
    assertFreshClientIsServed(bad.target());
  }

  @Test
  void clientThatInitialisedInTimeOutlivesTheInitTimeout() {
    try (GraphQLWsClient prompt = connectAndInit(impatient)) {
      // Connected after `prompt`, this one's timer expires after prompt's would have.
      try (GraphQLWsClient silent = connect(impatient)) {
        assertThat(silent.awaitClose()).isEqualTo((short) 4408);
      }
      assertThat(prompt.framesUntilPong()).isEmpty();
      assertThat(prompt.isClosed()).isFalse();
    }
  }

  @Test
  void clientThatAnswersNoPingIsClosedWith4011() {
    try (RawWebSocket deaf = RawWebSocket.connect(impatient.port(), GraphQLWsClient.PATH, GraphQLWsClient.SUBPROTOCOL, 0)) {
      deaf.send(new JsonObject().put("type", "connection_init"));
      deaf.next("connection_ack");

      RawWebSocket.Frame close = deaf.skipUntil(RawWebSocket.CLOSE);
      assertThat(close.closeCode()).isEqualTo(4011);
    }
    assertFreshClientIsServed(impatient);
  }

  @Test
  void disconnectByTheHttpApiClosesWith4012() {
    String channel = freshChannel();
    try (GraphQLWsClient client = connectAndInit(node)) {
      subscribeLive(node, client, "s", messages(channel, "offset"), null);
      String id = onlyPresent(channel);

      JsonObject reply = node.http().post("/api/disconnect", new JsonObject().put("client", id)).json();

      assertThat(reply.getInteger("disconnected")).isEqualTo(1);
      assertThat(client.awaitClose()).isEqualTo((short) 4012);
    }
    assertFreshClientIsServed(node);
  }

  @Test
  void unsubscribeByTheHttpApiCompletesTheChannelsOperations() {
    String channel = freshChannel();
    String other = freshChannel();
    try (GraphQLWsClient client = connectAndInit(node)) {
      subscribeLive(node, client, "a", messages(channel, "offset"), null);
      subscribeLive(node, client, "b", messages(channel, "data"), null);
      subscribeLive(node, client, "c", messages(other, "offset"), null);
      String id = onlyPresent(channel);

      JsonObject reply = node.http().post("/api/unsubscribe", new JsonObject().put("channel", channel).put("client", id)).json();

      assertThat(reply.getInteger("unsubscribed")).isEqualTo(1);
      List<JsonObject> completes = List.of(client.next(), client.next());
      assertThat(completes).containsExactlyInAnyOrder(new JsonObject().put("id", "a").put("type", "complete"),
          new JsonObject().put("id", "b").put("type", "complete"));
      // A new subscription to the channel: "a" and "b" would be written in the same delivery as "d".
      subscribeLive(node, client, "d", messages(channel, "offset"), null);
      node.http().publish(channel, 1);
      assertThat(GraphQLSupport.message(client.expect("next", "d")).getLong("offset")).isEqualTo(1);
      assertThat(client.framesUntilPong()).as("nothing for the completed operations").isEmpty();

      node.http().publish(other, 1);
      assertThat(client.expect("next", "c")).as("other channels are untouched").isNotNull();
    }
  }

  /** The client id of the one connection present in {@code channel}. */
  private static String onlyPresent(String channel) {
    JsonArray clients = node.http().get("/api/channels/" + channel + "/presence").json().getJsonArray("clients");
    assertThat(clients).hasSize(1);
    return clients.getJsonObject(0).getString("client");
  }

  /** A new client on {@code target} initialises, runs a query to completion and gets pongs. */
  private static void assertFreshClientIsServed(TestGatewayExtension target) {
    try (GraphQLWsClient fresh = connectAndInit(target)) {
      fresh.subscribe("after", "{ channels { name subscribers } }");
      assertThat(fresh.expect("next", "after").getJsonObject("payload").getJsonObject("data").containsKey("channels")).isTrue();
      fresh.expect("complete", "after");
      assertThat(fresh.framesUntilPong()).isEmpty();
      assertThat(fresh.isClosed()).isFalse();
    }
  }
}
