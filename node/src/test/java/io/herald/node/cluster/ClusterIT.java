package io.herald.node.cluster;

import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three clustered nodes, each its own process, on loopback: delivery across nodes, one order under
 * concurrent publishers on every node, a node joining a running cluster, and the cluster-wide
 * operations endpoints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

  private final List<NodeProcess> nodes = new ArrayList<>();
  private String cluster;
  private int hazelcastPort;
  private Vertx vertx;

  @BeforeAll
  void startCluster() {
    vertx = Vertx.vertx();
    cluster = "it-" + UUID.randomUUID();
    hazelcastPort = NodeProcess.freePortRange();
    for (int i = 0; i < 3; i++) {
      nodes.add(NodeProcess.start(cluster, hazelcastPort));
    }
  }

  @AfterAll
  void stopCluster() {
    nodes.forEach(NodeProcess::close);
    vertx.close();
  }

  @Test
  void aMessagePublishedOnOneNodeReachesSubscribersOnTheOthersOnceWithTheSameOffsets() {
    String channel = "cross:" + UUID.randomUUID();
    try (WsClient onA = WsClient.connect(vertx, port(0)); WsClient onB = WsClient.connect(vertx, port(1))) {
      onA.subscribe(1, channel);
      onB.subscribe(1, channel);
      HttpApiClient publisherOnC = new HttpApiClient(vertx, port(2));

      for (int i = 1; i <= 20; i++) {
        publisherOnC.publish(channel, new JsonObject().put("i", i));
      }

      List<JsonObject> atA = messages(onA, 20);
      List<JsonObject> atB = messages(onB, 20);
      assertThat(atA).extracting(m -> m.getLong("offset")).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
      assertThat(atA).extracting(m -> m.getJsonObject("data").getInteger("i")).containsExactlyElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
      assertThat(atB).isEqualTo(atA);
      assertThat(onA.framesUntilPong(99)).as("nothing twice").isEmpty();
      assertThat(onB.framesUntilPong(99)).isEmpty();
    }
  }

  @Test
  void concurrentPublishersOnEveryNodeGiveEverySubscriberTheSameGaplessSequence() throws Exception {
    String channel = "concurrent:" + UUID.randomUUID();
    int perNode = 100;
    List<WsClient> subscribers = new ArrayList<>();
    ExecutorService publishers = Executors.newFixedThreadPool(nodes.size());
    try {
      for (int i = 0; i < nodes.size(); i++) {
        WsClient s = WsClient.connect(vertx, port(i));
        s.subscribe(1, channel);
        subscribers.add(s);
      }
      List<Future<?>> running = new ArrayList<>();
      for (int n = 0; n < nodes.size(); n++) {
        HttpApiClient http = new HttpApiClient(vertx, port(n));
        int node = n;
        running.add(publishers.submit(() -> {
          for (int i = 0; i < perNode; i++) {
            http.publish(channel, new JsonObject().put("node", node).put("i", i));
          }
        }));
      }
      for (Future<?> r : running) {
        r.get(60, TimeUnit.SECONDS);
      }

      int total = perNode * nodes.size();
      List<JsonObject> first = messages(subscribers.get(0), total);
      assertThat(first).extracting(m -> m.getLong("offset")).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
      for (WsClient s : subscribers.subList(1, subscribers.size())) {
        assertThat(messages(s, total)).as("the same order on every node").isEqualTo(first);
      }
      for (int n = 0; n < nodes.size(); n++) {
        int node = n;
        assertThat(first.stream().filter(m -> m.getJsonObject("data").getInteger("node") == node)
            .map(m -> m.getJsonObject("data").getInteger("i")).toList())
            .as("each publisher's messages in the order it sent them").containsExactlyElementsOf(IntStream.range(0, perNode).boxed().toList());
      }
    } finally {
      subscribers.forEach(WsClient::close);
      publishers.shutdownNow();
    }
  }

  @Test
  void aNodeThatJoinsARunningClusterDeliversToItsSubscribers() {
    String channel = "joiner:" + UUID.randomUUID();
    HttpApiClient publisher = new HttpApiClient(vertx, port(0));
    publisher.publish(channel, new JsonObject().put("i", 0));
    try (NodeProcess joiner = NodeProcess.start(cluster, hazelcastPort);
         WsClient subscriber = WsClient.connect(vertx, joiner.port)) {
      assertThat(subscriber.subscribe(1, channel).getLong("offset")).isEqualTo(1);

      publisher.publish(channel, new JsonObject().put("i", 1));

      JsonObject message = subscriber.next("message");
      assertThat(message.getLong("offset")).isEqualTo(2);
      assertThat(new HttpApiClient(vertx, joiner.port).get("/api/info").json().getJsonArray("nodes")).hasSize(4);
      joiner.stop();
    }
  }

  @Test
  void infoListsEveryMemberAndEveryNodeIsReady() {
    for (int i = 0; i < nodes.size(); i++) {
      HttpApiClient http = new HttpApiClient(vertx, port(i));
      JsonArray members = http.get("/api/info").json().getJsonArray("nodes");
      assertThat(members).hasSize(nodes.size());
      assertThat(members.stream().map(m -> ((JsonObject) m).getString("address")).toList())
          .containsExactlyInAnyOrderElementsOf(nodes.stream().map(n -> "127.0.0.1:" + n.port).toList());
      assertThat(http.get("/health/ready").status()).isEqualTo(200);
    }
  }

  @Test
  void theHttpApiOfAnyNodeSubscribesDisconnectsAndUnsubscribesClientsOnEveryNode() {
    String channel = "admin:" + UUID.randomUUID();
    try (WsClient onB = WsClient.connect(vertx, port(1)); WsClient onC = WsClient.connect(vertx, port(2))) {
      HttpApiClient apiOnA = new HttpApiClient(vertx, port(0));
      JsonObject subscribed = apiOnA.post("/api/subscribe", new JsonObject().put("channel", channel).put("client", onC.clientId())).json();
      assertThat(subscribed.getLong("subscribed")).isEqualTo(1);
      assertThat(onC.next("subscribed").getString("channel")).isEqualTo(channel);
      apiOnA.publish(channel, "to C");
      assertThat(onC.next("message").getString("data")).isEqualTo("to C");

      JsonObject unsubscribed = apiOnA.post("/api/unsubscribe",
          new JsonObject().put("channel", channel).put("client", onC.clientId())).json();
      JsonObject disconnected = apiOnA.post("/api/disconnect", new JsonObject().put("client", onB.clientId())).json();

      assertThat(unsubscribed.getLong("unsubscribed")).isEqualTo(1);
      assertThat(onC.next("unsubscribed").getString("channel")).isEqualTo(channel);
      assertThat(disconnected.getLong("disconnected")).isEqualTo(1);
      assertThat(onB.awaitClose()).isEqualTo((short) 4012);
    }
  }

  private int port(int node) {
    return nodes.get(node).port;
  }

  private static List<JsonObject> messages(WsClient client, int count) {
    List<JsonObject> messages = new ArrayList<>(count);
    while (messages.size() < count) {
      JsonObject frame = client.next();
      if ("message".equals(frame.getString("type"))) {
        messages.add(frame);
      }
    }
    return messages;
  }
}
