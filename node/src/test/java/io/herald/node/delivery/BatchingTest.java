package io.herald.node.delivery;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.SseClient;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The namespace option {@code batch_ms} (a batching window, docs/protocol.md): a connection's deliveries within the
 * window go out together. A /ws client that asked for it ({@code ?batch=true}) gets them as one {@code messages}
 * frame; others get the same frames as always (written together); SSE and GraphQL subscribers get every message in
 * order. Nothing is lost, repeated or reordered.
 */
class BatchingTest {

  private static final int BURST = 5;

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults()
      .namespaces(new JsonObject().put("mobile", new JsonObject().put("batch_ms", 200)));

  private static final AtomicInteger names = new AtomicInteger();

  private static String channel() {
    return "mobile:c" + names.incrementAndGet();
  }

  /** Publishes offsets 1..BURST to {@code channel} in one request: they reach the node's subscribers within the window. */
  private static void burst(String channel) {
    JsonArray messages = new JsonArray();
    for (int n = 1; n <= BURST; n++) {
      messages.add(new JsonObject().put("channel", channel).put("data", n));
    }
    assertThat(node.http().post("/api/publish", new JsonObject().put("messages", messages)).status()).isEqualTo(200);
  }

  @Test
  void aClientThatAskedGetsTheWindowAsMessagesFramesWithEveryOffsetOnceInOrder() {
    String channel = channel();
    try (WsClient client = WsClient.connect(node.vertx(), node.port(), new WebSocketClientOptions(), "/ws?batch=true")) {
      client.subscribe(1, channel);
      burst(channel);
      List<Long> offsets = new ArrayList<>();
      int frames = 0;
      while (offsets.size() < BURST) {
        JsonObject frame = client.next();
        frames++;
        if (frame.getString("type").equals("messages")) {
          for (Object item : frame.getJsonArray("items")) {
            JsonObject m = (JsonObject) item;
            assertThat(m.getString("type")).isEqualTo("message");
            offsets.add(m.getLong("offset"));
          }
        } else {
          assertThat(frame.getString("type")).isEqualTo("message");
          offsets.add(frame.getLong("offset"));
        }
      }
      assertThat(offsets).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(frames).as("one burst, one window").isLessThan(BURST);
    }
  }

  @Test
  void otherClientsGetTheSameFramesAsAlways() {
    String channel = channel();
    try (WsClient client = node.connect()) {
      client.subscribe(1, channel);
      burst(channel);
      for (int n = 1; n <= BURST; n++) {
        assertThat(client.next("message").getLong("offset")).isEqualTo(n);
      }
    }
  }

  @Test
  void sseAndGraphqlSubscribersGetEveryMessageInOrder() {
    String channel = channel();
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel);
         GraphQLWsClient graphql = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
      stream.next("connected");
      stream.next("subscribed");
      graphql.subscribe("s", "subscription S($c: String!) { messages(channel: $c) { offset } }",
          new JsonObject().put("c", channel));
      // The GraphQL subscription is live once a message published after it arrives: a first burst.
      node.http().publish(channel, 0);
      assertThat(stream.next("message").json().getLong("offset")).isEqualTo(1);
      assertThat(graphql.expect("next", "s").getJsonObject("payload").getJsonObject("data")
          .getJsonObject("messages").getLong("offset")).isEqualTo(1);
      burst(channel);
      for (int n = 2; n <= BURST + 1; n++) {
        assertThat(stream.next("message").json().getLong("offset")).isEqualTo(n);
        assertThat(graphql.expect("next", "s").getJsonObject("payload").getJsonObject("data")
            .getJsonObject("messages").getLong("offset")).isEqualTo(n);
      }
    }
  }
}
