package io.herald.gateway.ws;

import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withDefaults();

  @Test
  void publishedMessageReachesSubscriber() {
    try (WsClient client = node.connect()) {
      JsonObject subscribed = client.subscribe(1, "smoke");
      assertThat(subscribed.getString("type")).isEqualTo("subscribed");
      assertThat(subscribed.getLong("offset")).isZero();
      node.http().publish("smoke", new JsonObject().put("hello", "world"));
      JsonObject message = client.next("message");
      assertThat(message.getLong("offset")).isEqualTo(1);
      assertThat(message.getJsonObject("data").getString("hello")).isEqualTo("world");
    }
  }
}
