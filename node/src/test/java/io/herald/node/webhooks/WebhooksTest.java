package io.herald.node.webhooks;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.SseClient;
import io.herald.gateway.testing.Tokens;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.herald.node.testing.TestNode;
import io.herald.node.testing.WebhookBackend;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks end to end: a real node POSTs to a real HTTP backend started here, which records every request and checks
 * its signature. Absence is asserted by order: a node sends its batches one at a time, in order, so once a later
 * event has arrived, every earlier one has.
 */
class WebhooksTest {

  private static final String SECRET = "a webhook secret";
  private static final String ALL_EVENTS = "channel_occupied,channel_vacated,join,leave,connect,disconnect";
  private static final Duration WAIT = Duration.ofSeconds(15);

  @RegisterExtension
  final NodeExtension node = NodeExtension.startedByEachTest();

  private WebhookBackend backend;

  @BeforeEach
  void startBackend() {
    backend = WebhookBackend.start(node.vertx());
  }

  @AfterEach
  void stopBackend() {
    backend.close();
  }

  /** Starts the node with webhooks to the backend, the secret, and {@code settings} on top. */
  private void startNode(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(Map.of("webhooks.url", backend.url(), "webhooks.secret", SECRET));
    all.putAll(settings);
    node.start(all);
  }

  private double metric(String name) {
    return Metrics.value(node.http(), name);
  }

  @Test
  void aChannelIsOccupiedByItsFirstSubscriberAndVacatedOnceTheLastIsGone() {
    startNode(Map.of());
    String channel = "room:occupancy";
    try (WsClient a = node.connect(); WsClient b = node.connect()) {
      a.subscribe(1, channel);
      await().atMost(WAIT).until(() -> backend.events("channel_occupied", channel).size() == 1);
      b.subscribe(1, channel);
      a.request(new JsonObject().put("type", "unsubscribe").put("id", 2).put("channel", channel));
      long lastOneLeaves = System.currentTimeMillis();
      b.close();

      await().atMost(WAIT).until(() -> backend.events("channel_vacated", channel).size() == 1);
      assertThat(backend.events("channel_vacated", channel).get(0).getLong("ts"))
          .as("vacated by the last subscriber, not the first to leave").isGreaterThanOrEqualTo(lastOneLeaves);
      assertThat(backend.events("channel_occupied", channel)).as("the second subscriber occupies nothing").hasSize(1);
    }
    List<JsonObject> events = backend.acknowledgedEvents();
    assertThat(events).extracting(e -> e.getString("type"))
        .as("only the default types (no join, leave, connect, disconnect)").containsExactly("channel_occupied", "channel_vacated");
    assertThat(events).extracting(e -> e.getString("channel"))
        .as("the node's own probe channel is never reported").containsOnly(channel);
    for (JsonObject e : events) {
      assertThat(e.fieldNames()).containsExactlyInAnyOrder("id", "type", "channel", "ts");
      assertThat(e.getString("id")).matches("[0-9a-z]{20}");
      assertThat(e.getLong("ts")).isPositive();
    }
    assertThat(events.get(0).getString("id")).isNotEqualTo(events.get(1).getString("id"));
    for (WebhookBackend.Received r : backend.requests()) {
      assertThat(r.signature()).isEqualTo(WebhookBackend.expectedSignature(SECRET, r.body()));
      assertThat(r.contentType()).isEqualTo("application/json");
    }
  }

  @Test
  void joinLeaveConnectAndDisconnectAreReportedWhenEnabledAndBatched() {
    startNode(Map.of("webhooks.events", ALL_EVENTS, "webhooks.batch_ms", "300"));
    String channel = "room:members";
    String client;
    try (WsClient a = node.connect()) {
      client = a.clientId();
      a.subscribe(1, channel);
    }
    await().atMost(WAIT).until(() -> !backend.events("disconnect", null).isEmpty());

    List<JsonObject> ofClient = backend.acknowledgedEvents().stream().filter(e -> client.equals(e.getString("client"))).toList();
    assertThat(ofClient).extracting(e -> e.getString("type")).containsExactly("connect", "join", "leave", "disconnect");
    assertThat(ofClient.get(0).fieldNames()).as("connect: no channel, no user (anonymous)").containsExactlyInAnyOrder("id", "type", "client", "ts");
    assertThat(ofClient.get(1).fieldNames()).containsExactlyInAnyOrder("id", "type", "channel", "client", "ts");
    assertThat(ofClient.get(1).getString("channel")).isEqualTo(channel);
    assertThat(backend.events("channel_occupied", channel)).hasSize(1);
    await().atMost(WAIT).until(() -> backend.events("channel_vacated", channel).size() == 1);
    assertThat(backend.requests()).as("events of the same moment go in one POST").anySatisfy(r -> assertThat(r.events().size()).isGreaterThan(1));
    backend.requests().forEach(r -> assertThat(r.signature()).isEqualTo(WebhookBackend.expectedSignature(SECRET, r.body())));
    assertThat(metric("herald_webhooks_events_sent_total")).isEqualTo(backend.acknowledgedEvents().size());
  }

  @Test
  void anAuthenticatedClientsEventsCarryItsUser() {
    String jwtSecret = "the-node-secret-0123456789abcdef";
    startNode(Map.of("webhooks.events", "join,leave,connect,disconnect", "auth.hmac_secret", jwtSecret));
    String token = Tokens.hs256(node.vertx(), jwtSecret).user("alice");
    String channel = "room:alice";
    try (WsClient alice = WsClient.connect(node.vertx(), node.port(), new WebSocketClientOptions(), "/ws?token=" + token)) {
      alice.subscribe(1, channel);
    }
    await().atMost(WAIT).until(() -> backend.events("disconnect", null).size() == 1);
    assertThat(backend.acknowledgedEvents()).extracting(e -> e.getString("type") + " " + e.getString("user"))
        .containsExactly("connect alice", "join alice", "leave alice", "disconnect alice");
  }

  @Test
  void graphQLAndServerSentEventsClientsAreReportedToo() {
    startNode(Map.of("webhooks.events", "join,leave,connect,disconnect", "webhooks.batch_ms", "0"));
    String channel = "room:transports";
    try (GraphQLWsClient graphql = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
      graphql.subscribe("s", "subscription { messages(channel: \"" + channel + "\") { offset } }");
      await().atMost(WAIT).until(() -> backend.events("join", channel).size() == 1);
    }
    await().atMost(WAIT).until(() -> backend.events("disconnect", null).size() == 1);
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel)) {
      stream.next("connected");
      await().atMost(WAIT).until(() -> backend.events("join", channel).size() == 2);
    }
    await().atMost(WAIT).until(() -> backend.events("disconnect", null).size() == 2);
    assertThat(backend.acknowledgedEvents()).extracting(e -> e.getString("type"))
        .containsExactly("connect", "join", "leave", "disconnect", "connect", "join", "leave", "disconnect");
  }

  @Test
  void aFailedBatchIsRetriedWithTheSameEventsAndSignatureUntilA2xx() {
    backend.failNext(3);
    startNode(Map.of("webhooks.retry_initial_ms", "50", "webhooks.batch_ms", "0"));
    String channel = "room:retried";
    try (WsClient a = node.connect()) {
      a.subscribe(1, channel);
      await().atMost(WAIT).until(() -> backend.events("channel_occupied", channel).size() == 1);
    }
    List<WebhookBackend.Received> requests = backend.requests();
    assertThat(requests).extracting(WebhookBackend.Received::status).startsWith(500, 500, 500, 200);
    assertThat(requests.subList(0, 4)).extracting(r -> r.body().toString()).containsOnly(requests.get(3).body().toString());
    assertThat(requests.subList(0, 4)).extracting(WebhookBackend.Received::signature).containsOnly(requests.get(3).signature());
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(metric("herald_webhooks_attempts_failed_total")).isEqualTo(3);
      assertThat(metric("herald_webhooks_batches_delivered_total")).isGreaterThanOrEqualTo(1);
    });
    assertThat(metric("herald_webhooks_events_dropped_total")).isZero();
  }

  @Test
  void aPostWithoutAnAnswerTimesOutAndIsRetried() {
    backend.hangNext(1);
    startNode(Map.of("webhooks.timeout_ms", "300", "webhooks.retry_initial_ms", "50", "webhooks.batch_ms", "0"));
    String channel = "room:slow";
    try (WsClient a = node.connect()) {
      a.subscribe(1, channel);
      await().atMost(WAIT).until(() -> backend.events("channel_occupied", channel).size() == 1);
    }
    assertThat(backend.requests()).extracting(WebhookBackend.Received::status).startsWith(WebhookBackend.NO_ANSWER, 200);
    assertThat(metric("herald_webhooks_attempts_failed_total")).isEqualTo(1);
  }

  @Test
  void aBackendThatIsDownCostsRetriesThenTheBatchIsDroppedAndCountedWhileClientsGetTheirMessages() {
    node.start(Map.of("webhooks.url", WebhookBackend.downUrl(), "webhooks.secret", SECRET,
        "webhooks.max_retries", "2", "webhooks.retry_initial_ms", "50", "webhooks.batch_ms", "0"));
    String channel = "room:down";
    try (WsClient a = node.connect()) {
      a.subscribe(1, channel);
      node.http().publish(channel, new JsonObject().put("text", "still delivered"));
      assertThat(a.next("message").getJsonObject("data").getString("text")).isEqualTo("still delivered");

      await().atMost(WAIT).untilAsserted(() ->
          assertThat(metric("herald_webhooks_events_dropped_total{reason=\"retries_exhausted\"}")).isEqualTo(1));
      assertThat(metric("herald_webhooks_attempts_failed_total")).as("the attempt and its 2 retries").isEqualTo(3);
      assertThat(metric("herald_webhooks_events_sent_total")).isZero();
    }
  }

  @Test
  void eventsBeyondTheQueueAreDroppedAndCounted() {
    // The first batch is stuck retrying (the backend is down, the next retry in a minute): the queue fills behind it.
    node.start(Map.of("webhooks.url", WebhookBackend.downUrl(), "webhooks.secret", SECRET, "webhooks.events", "connect",
        "webhooks.queue_max", "1", "webhooks.batch_max", "1", "webhooks.batch_ms", "0", "webhooks.retry_initial_ms", "60000", "webhooks.retry_max_ms", "60000"));
    WsClient[] clients = new WsClient[4];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = node.connect();
    }
    try {
      await().atMost(WAIT).untilAsserted(() -> {
        double dropped = metric("herald_webhooks_events_dropped_total{reason=\"queue_full\"}");
        assertThat(metric("herald_webhooks_events_queued_total") + dropped).isEqualTo(4);
        assertThat(dropped).as("one in flight, one queued at most").isGreaterThanOrEqualTo(2);
        assertThat(metric("herald_webhooks_queue_size")).isEqualTo(1);
      });
    } finally {
      for (WsClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void aNodeThatStopsSendsWhatItStillHolds() {
    // A batching window far longer than the test: only the stop sends the events.
    startNode(Map.of("webhooks.events", "connect,disconnect", "webhooks.batch_ms", "600000"));
    String client = node.connect().clientId();

    TestNode.await(node.node().shutdown().toCompletionStage().toCompletableFuture());

    assertThat(backend.acknowledgedEvents()).extracting(e -> e.getString("type") + " " + e.getString("client"))
        .containsExactly("connect " + client, "disconnect " + client);
  }

  @Test
  void aNodeDoesNotStartWithAnUnknownEventTypeOrWithoutASecret() {
    assertThatThrownBy(() -> TestNode.start(Map.of("webhooks.url", backend.url(), "webhooks.secret", SECRET,
        "webhooks.events", "channel_occupied,joined")))
        .hasMessageContaining("webhooks.events: unknown webhook event type \"joined\"")
        .hasMessageContaining("channel_occupied, channel_vacated, join, leave, connect, disconnect");
    assertThatThrownBy(() -> TestNode.start(Map.of("webhooks.url", backend.url())))
        .hasMessageContaining("webhooks.secret: required with webhooks.url");
    assertThatThrownBy(() -> TestNode.start(Map.of("webhooks.url", "ftp://example.com/", "webhooks.secret", SECRET)))
        .hasMessageContaining("webhooks.url: an absolute http:// or https:// URL is needed");
  }
}
