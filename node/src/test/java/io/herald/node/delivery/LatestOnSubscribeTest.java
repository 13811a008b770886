package io.herald.node.delivery;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The namespace option {@code cache} (a delivery mode, docs/protocol.md): a subscription without {@code since} first
 * receives the channel's latest message, then the live ones, on /ws and over GraphQL; with {@code since} it recovers
 * as always; a channel with no message yet, or a namespace without the option, starts with nothing.
 */
class LatestOnSubscribeTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults()
      .namespaces(new JsonObject().put("state", new JsonObject().put("cache", true)));

  private static final AtomicInteger channels = new AtomicInteger();

  private static String channel(String namespace) {
    return namespace + ":c" + channels.incrementAndGet();
  }

  @Test
  void wsSubscriberGetsTheLatestMessageThenLiveOnes() {
    String channel = channel("state");
    for (int n = 1; n <= 3; n++) {
      node.http().publish(channel, new JsonObject().put("n", n));
    }
    try (WsClient client = node.connect()) {
      JsonObject subscribed = client.subscribe(1, channel);
      assertThat(subscribed.getLong("offset")).isEqualTo(3);
      assertThat(subscribed.containsKey("recovered")).isFalse();
      JsonObject latest = client.next("message");
      assertThat(latest.getLong("offset")).isEqualTo(3);
      assertThat(latest.getJsonObject("data")).isEqualTo(new JsonObject().put("n", 3));

      node.http().publish(channel, new JsonObject().put("n", 4));
      assertThat(client.next("message").getLong("offset")).isEqualTo(4);
    }
  }

  @Test
  void withSinceItRecoversAsAlwaysAndWithoutMessagesItStartsEmpty() {
    String channel = channel("state");
    try (WsClient client = node.connect()) {
      client.subscribe(1, channel);
      // A channel with no message: nothing before the reply to a ping.
      assertThat(client.framesUntilPong(90)).noneMatch(f -> "message".equals(f.getString("type")));
      String epoch = node.http().publish(channel, 1).getString("epoch");
      node.http().publish(channel, 2);
      assertThat(client.next("message").getLong("offset")).isEqualTo(1);
      assertThat(client.next("message").getLong("offset")).isEqualTo(2);

      try (WsClient resumed = node.connect()) {
        JsonObject frame = new JsonObject().put("type", "subscribe").put("id", 2).put("channel", channel)
            .put("since", new JsonObject().put("epoch", epoch).put("offset", 0));
        assertThat(resumed.request(frame).getBoolean("recovered")).isTrue();
        assertThat(resumed.next("message").getLong("offset")).isEqualTo(1);
        assertThat(resumed.next("message").getLong("offset")).isEqualTo(2);
      }
    }
  }

  @Test
  void aNamespaceWithoutTheOptionStartsWithNothing() {
    String channel = channel("plain");
    node.http().publish(channel, 1);
    try (WsClient client = node.connect()) {
      client.subscribe(1, channel);
      assertThat(client.framesUntilPong(91)).noneMatch(f -> "message".equals(f.getString("type")));
    }
  }

  @Test
  void graphqlSubscriberGetsTheLatestMessageThenLiveOnes() {
    String channel = channel("state");
    node.http().publish(channel, "old");
    node.http().publish(channel, "current");
    try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
      client.subscribe("s", "subscription S($c: String!) { messages(channel: $c) { offset data } }",
          new JsonObject().put("c", channel));
      JsonObject latest = messages(client.expect("next", "s"));
      assertThat(latest.getLong("offset")).isEqualTo(2);
      assertThat(latest.getValue("data")).isEqualTo("current");

      node.http().publish(channel, "new");
      assertThat(messages(client.expect("next", "s")).getLong("offset")).isEqualTo(3);
    }
  }

  private static JsonObject messages(JsonObject next) {
    return next.getJsonObject("payload").getJsonObject("data").getJsonObject("messages");
  }
}
