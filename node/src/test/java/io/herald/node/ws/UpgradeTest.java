package io.herald.node.ws;

import io.herald.node.testing.HttpApiClient.Response;
import io.herald.node.testing.RawWebSocket;
import io.herald.node.testing.TestNode;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which requests become WebSockets: only upgrades of /ws. */
class UpgradeTest {

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
  void upgradeOfWsIsAccepted() {
    assertThat(RawWebSocket.upgradeStatus(node.port(), "/ws")).isEqualTo(101);
  }

  @Test
  void upgradeOfAnotherPathIsRefusedWith404() {
    assertThat(RawWebSocket.upgradeStatus(node.port(), "/api/publish")).isEqualTo(404);
    assertThat(RawWebSocket.upgradeStatus(node.port(), "/nope")).isEqualTo(404);
  }

  @Test
  void plainGetOfWsIsABadRequest() {
    Response r = node.http(vertx).get("/ws");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("bad_request");
  }
}
