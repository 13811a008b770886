package io.herald.node.ws;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code join}/{@code leave} pushes: sent to a channel's subscribers in a namespace with join_leave on,
 * never in one without. A push travels through the channel's sequencer (cluster-wide), so it may reach
 * a subscriber after the reply that caused it: tests wait for it. Absence is asserted by ordering (no
 * frame before the reply to a later ping).
 */
class PresenceEventsTest {

  /** Namespace with join_leave on; every other namespace has the default (off). */
  private static final String EVENTS = "room";
  private static final String QUIET = "quiet";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults()
      .namespaces(new JsonObject().put(EVENTS, new JsonObject().put("join_leave", true)));

  private static final AtomicInteger channels = new AtomicInteger();
  private final AtomicInteger pings = new AtomicInteger(1000);

  /** Two clients of the node, connected for each test. */
  WsClient a;
  WsClient b;

  @BeforeEach
  void connect() {
    a = node.connect();
    b = node.connect();
  }

  @AfterEach
  void disconnect() {
    a.close();
    b.close();
  }

  private static String channelIn(String namespace) {
    return namespace + ":c" + channels.incrementAndGet();
  }

  /** Frames {@code client} received before the reply to a new ping: the server sent them before handling it. */
  private List<JsonObject> framesSoFar(WsClient client) {
    return client.framesUntilPong(pings.incrementAndGet());
  }

  /** {@code client}'s frames so far, ignoring presence events about {@code self} (being told of one's own join is not in question here). */
  private List<JsonObject> framesSoFarExceptAbout(WsClient client, WsClient self) {
    return framesSoFar(client).stream().filter(f -> !self.clientId().equals(f.getString("client"))).toList();
  }

  private static void unsubscribe(WsClient client, int id, String channel) {
    JsonObject reply = client.request(new JsonObject().put("type", "unsubscribe").put("id", id).put("channel", channel));
    assertThat(reply.getString("type")).isEqualTo("unsubscribed");
  }

  /** Disconnects {@code client} and waits until the node has let it go (it left the channel's presence). */
  private static void disconnectAndAwaitGone(WsClient client, String channel) {
    String id = client.clientId();
    client.close();
    await().atMost(Duration.ofMillis(WsClient.TIMEOUT_MS)).until(() -> node.http().get("/api/channels/" + channel + "/presence")
        .json().getJsonArray("clients").stream().noneMatch(c -> id.equals(((JsonObject) c).getString("client"))));
  }

  private static void assertEvent(JsonObject frame, String type, String channel, WsClient about) {
    assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo(type);
    assertThat(frame.getString("channel")).isEqualTo(channel);
    assertThat(frame.getString("client")).isEqualTo(about.clientId());
    assertThat(frame.containsKey("user")).as("user is present, null without authentication").isTrue();
    assertThat(frame.getValue("user")).isNull();
    assertThat(frame.containsKey("id")).as("a push carries no id").isFalse();
  }

  /**
   * {@code observer}'s next frame, besides events about itself, is a {@code type} event about
   * {@code about}, and nothing else follows it so far.
   */
  private void assertOnlyEventSoFar(WsClient observer, String type, String channel, WsClient about) {
    JsonObject next = observer.next();
    while (observer.clientId().equals(next.getString("client"))) {
      next = observer.next();
    }
    assertEvent(next, type, channel, about);
    assertThat(framesSoFarExceptAbout(observer, observer)).isEmpty();
  }

  /**
   * Subscribes {@code a}, then (once {@code a} has its own join, so that join is behind us) {@code b},
   * to {@code channel}; the next event {@code a} then has is b's join.
   */
  private void subscribeBothAndSeeTheJoin(String channel) {
    a.subscribe(1, channel);
    assertEvent(a.next(), "join", channel, a);
    b.subscribe(2, channel);
    assertOnlyEventSoFar(a, "join", channel, b);
  }

  @Test
  void joinWhenAnotherClientSubscribes() {
    String channel = channelIn(EVENTS);
    a.subscribe(1, channel);
    assertEvent(a.next(), "join", channel, a);
    assertThat(framesSoFar(a)).isEmpty();

    b.subscribe(2, channel);
    assertOnlyEventSoFar(a, "join", channel, b);
  }

  @Test
  void leaveWhenAnotherClientUnsubscribes() {
    String channel = channelIn(EVENTS);
    subscribeBothAndSeeTheJoin(channel);
    assertThat(framesSoFarExceptAbout(b, b)).as("a joined before b subscribed").isEmpty();

    unsubscribe(b, 3, channel);
    assertOnlyEventSoFar(a, "leave", channel, b);
  }

  @Test
  void leaveWhenAnotherClientDisconnects() {
    String channel = channelIn(EVENTS);
    subscribeBothAndSeeTheJoin(channel);

    disconnectAndAwaitGone(b, channel);
    assertOnlyEventSoFar(a, "leave", channel, b);
  }

  /**
   * A GraphQL subscriber joins and leaves a channel like a /ws one: the channel's subscribers are told
   * (the two protocols share one transport and subscription path, and once drifted apart here).
   */
  @Test
  void aGraphQLSubscriberIsAnnouncedWhenItJoinsAndLeaves() {
    String channel = channelIn(EVENTS);
    a.subscribe(1, channel);
    assertEvent(a.next(), "join", channel, a);
    String joiner;
    try (GraphQLWsClient graphql = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
      graphql.subscribe("s1", "subscription { messages(channel: \"" + channel + "\") { offset } }");
      JsonObject join = a.next();
      assertThat(join.getString("type")).as("frame %s", join).isEqualTo("join");
      assertThat(join.getString("channel")).isEqualTo(channel);
      joiner = join.getString("client");
      assertThat(joiner).isNotEqualTo(a.clientId());
      graphql.subscribe("s2", "subscription { messages(channel: \"" + channel + "\") { offset } }");
      graphql.complete("s1");
      assertThat(framesSoFar(a)).as("a second subscription to the channel, then the first one's end: still joined").isEmpty();
      graphql.complete("s2");
      JsonObject leave = a.next();
      assertThat(leave.getString("type")).as("frame %s", leave).isEqualTo("leave");
      assertThat(leave.getString("client")).isEqualTo(joiner);
    }
  }

  @Test
  void noEventsWithoutJoinLeave() {
    String channel = channelIn(QUIET);
    a.subscribe(1, channel);
    assertThat(framesSoFar(a)).as("after its own subscribe").isEmpty();

    b.subscribe(2, channel);
    assertThat(framesSoFar(a)).as("after another client subscribed").isEmpty();

    unsubscribe(b, 3, channel);
    assertThat(framesSoFar(a)).as("after another client unsubscribed").isEmpty();

    try (WsClient c = node.connect()) {
      c.subscribe(4, channel);
      disconnectAndAwaitGone(c, channel);
    }
    assertThat(framesSoFar(a)).as("after another client disconnected").isEmpty();

    // The subscription itself still works: a message is the next frame.
    node.http().publish(channel, "hello");
    assertThat(a.next("message").getString("data")).isEqualTo("hello");
  }

  @Test
  void noEventsForChannelsOfTheDefaultNamespace() {
    String channel = "plain-" + channels.incrementAndGet();
    a.subscribe(1, channel);
    b.subscribe(2, channel);
    unsubscribe(b, 3, channel);
    assertThat(framesSoFar(a)).isEmpty();
  }
}
