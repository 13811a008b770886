package io.herald.gateway.ws;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.TestGatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Which requests become WebSockets: only upgrades of /ws. */
class UpgradeTest {

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withDefaults();

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
    Response r = node.http().get("/ws");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("bad_request");
  }
}
