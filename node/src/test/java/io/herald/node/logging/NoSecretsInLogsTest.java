package io.herald.node.logging;

import ch.qos.logback.classic.Level;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.Tokens;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.LogCapture;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the JSON log of a node says about a client refused by auth, one refused by a limit and one that publishes:
 * who (client, user, ip) and where (channel) as fields of their own, never a token, an API key or a message body.
 */
class NoSecretsInLogsTest {

  private static final String SECRET = "no-secrets-hmac-0123456789abcdef-xyz";
  private static final String API_KEY = "api-key-4c1d9e0b7a";
  private static final String WRONG_API_KEY = "wrong-api-key-93fd1c";
  private static final String BODY = "body-marker-5a1c77";
  private static final String HTTP_BODY = "http-body-marker-0e4b";

  @RegisterExtension
  final NodeExtension node = NodeExtension.withSettings(Map.of("auth.hmac_secret", SECRET, "api.key", API_KEY,
      "ws.new_channel_rate", "1", "ws.new_channel_burst", "1"));

  @Test
  void jsonLinesNameTheClientAndChannelButNeverATokenKeyOrBody() {
    String token = Tokens.hs256(node.vertx(), SECRET).user("alice");
    String forged = Tokens.hs256(node.vertx(), "another-secret-0123456789abcdef-xyz").user("mallory");
    String clientId;
    try (LogCapture log = LogCapture.json().level("io.herald.clients", Level.DEBUG)) {
      // An auth failure: a token signed with another key, refused on the upgrade.
      try (RawWebSocket raw = RawWebSocket.connect(node.port(), "/ws?token=" + forged, null, 0)) {
        assertThat(raw.readFrame().closeCode()).isEqualTo(4001);
      }
      // A wrong API key, then a publish with the right one.
      assertThat(node.http().request(HttpMethod.GET, "/api/info", null, WRONG_API_KEY).status()).isEqualTo(401);
      assertThat(node.http().request(HttpMethod.POST, "/api/publish", Buffer.buffer(new JsonObject()
          .put("channel", "http-chat").put("data", HTTP_BODY).encode()), API_KEY).status()).isEqualTo(200);

      // alice publishes to a new channel, then to another: over ws.new_channel_rate, refused and logged.
      try (WsClient alice = WsClient.connect(node.vertx(), node.port(), new WebSocketClientOptions(), "/ws?token=" + token)) {
        clientId = alice.clientId();
        assertThat(alice.request(publish(1, "chat-a")).getString("type")).isEqualTo("published");
        assertThat(alice.request(publish(2, "chat-b")).getString("code")).isEqualTo("rate_limited");
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines("\"disconnected\"").isEmpty());

      List<JsonObject> lines = log.lines().stream().map(JsonObject::new).toList();
      assertThat(lines).allSatisfy(line -> assertThat(line.getString("node")).isEqualTo(node.nodeId()));
      assertThat(lines).filteredOn(l -> l.getString("logger").equals("io.herald.auth"))
          .anySatisfy(l -> assertThat(l.getString("protocol")).isEqualTo("ws"))
          .anySatisfy(l -> assertThat(l.getString("protocol")).isEqualTo("http"))
          .allSatisfy(l -> assertThat(l.getString("ip")).isEqualTo("127.0.0.1"));
      assertThat(lines).filteredOn(l -> l.getString("logger").equals("io.herald.limits")).singleElement()
          .satisfies(l -> {
            assertThat(l.getString("limit")).isEqualTo("new_channel_rate");
            assertThat(l.getString("client")).isEqualTo(clientId);
            assertThat(l.getString("user")).isEqualTo("alice");
            assertThat(l.getString("channel")).isEqualTo("chat-b");
          });
      assertThat(lines).filteredOn(l -> l.getString("logger").equals("io.herald.clients"))
          .extracting(l -> l.getString("message") + " " + l.getString("client") + " " + l.getString("user"))
          .contains("connected " + clientId + " alice", "disconnected " + clientId + " alice");

      assertThat(String.join("\n", log.lines()))
          .doesNotContain(token, forged, SECRET, API_KEY, WRONG_API_KEY, BODY, HTTP_BODY)
          // nor a token's parts: its payload and signature
          .doesNotContain(token.split("\\.")[1], token.split("\\.")[2], forged.split("\\.")[1], forged.split("\\.")[2]);
    }
  }

  private static JsonObject publish(int id, String channel) {
    return new JsonObject().put("type", "publish").put("id", id).put("channel", channel).put("data", BODY);
  }
}
