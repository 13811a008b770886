package io.herald.node.ws;

import io.herald.node.testing.TestNode;
import io.herald.node.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

  static Vertx vertx;
  static TestNode node;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
    vertx.close();
  }

  @Test
  void publishedMessageReachesSubscriber() {
    try (WsClient client = node.connect(vertx)) {
      JsonObject subscribed = client.subscribe(1, "smoke");
      assertThat(subscribed.getString("type")).isEqualTo("subscribed");
      assertThat(subscribed.getLong("offset")).isZero();
      node.http(vertx).publish("smoke", new JsonObject().put("hello", "world"));
      JsonObject message = client.next("message");
      assertThat(message.getLong("offset")).isEqualTo(1);
      assertThat(message.getJsonObject("data").getString("hello")).isEqualTo("world");
    }
  }
}
