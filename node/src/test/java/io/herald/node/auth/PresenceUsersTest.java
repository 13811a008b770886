package io.herald.node.auth;

import io.herald.gateway.testing.Tokens;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence shows anonymous clients who is there (client ids) but not their users, unless the namespace
 * sets {@code presence_users}; authenticated clients and the HTTP API (backends) see users. Checked on /ws
 * presence replies and join pushes, GraphQL presence over the socket and over HTTP, and the HTTP API.
 */
class PresenceUsersTest {

  private static final String SECRET = "presence-users-secret-0123456789abcdef";
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("auth.hmac_secret", SECRET))
      .namespaces(new JsonObject()
          .put("hidden", new JsonObject().put("join_leave", true))
          .put("shown", new JsonObject().put("join_leave", true).put("presence_users", true)));

  private Tokens tokens;

  @BeforeEach
  void signer() {
    tokens = Tokens.hs256(node.vertx(), SECRET);
  }

  @ParameterizedTest(name = "{0} {1} via {2} -> user {3}")
  @CsvSource({
      "hidden, anon,  ws-presence,      null",
      "hidden, alice, ws-presence,      bob",
      "shown,  anon,  ws-presence,      bob",
      "hidden, anon,  ws-join,          null",
      "hidden, alice, ws-join,          bob",
      "shown,  anon,  ws-join,          bob",
      "hidden, anon,  graphql-presence, null",
      "hidden, alice, graphql-presence, bob",
      "shown,  anon,  graphql-presence, bob",
      "hidden, anon,  graphql-http,     null",
      "hidden, alice, graphql-http,     bob",
      "shown,  anon,  graphql-http,     bob",
      "hidden, anon,  http-api,         bob",
  })
  void presenceShowsUsersOnlyToThoseAllowed(String namespace, String viewer, String via, String expected) {
    String channel = namespace + ":room-" + CHANNELS.incrementAndGet();
    String token = viewer.equals("anon") ? null : tokens.user(viewer);
    try (AuthWsClient bob = AuthWsClient.ws(node.vertx(), node.port(), tokens.user("bob"))) {
      String bobId = bob.next("connected").getString("client");
      Object user;
      if (via.equals("ws-join")) {
        try (AuthWsClient watcher = AuthWsClient.ws(node.vertx(), node.port(), token)) {
          watcher.next("connected");
          watcher.request(AuthWsClient.frame("subscribe", 1).put("channel", channel));
          subscribe(bob, channel);
          JsonObject join = watcher.next("join");
          while (!bobId.equals(join.getString("client"))) {
            join = watcher.next("join"); // the watcher's own join comes first
          }
          user = join.getValue("user");
        }
      } else {
        subscribe(bob, channel);
        JsonObject entry = presence(via, channel, token);
        assertThat(entry.getString("client")).isEqualTo(bobId);
        user = entry.getValue("user");
      }
      assertThat(user).isEqualTo(expected.equals("null") ? null : expected);
    }
  }

  private static void subscribe(AuthWsClient client, String channel) {
    assertThat(client.request(AuthWsClient.frame("subscribe", 1).put("channel", channel)).getString("type")).isEqualTo("subscribed");
  }

  /** The one presence entry of {@code channel} as the viewer with {@code token} (null: anonymous) gets it via {@code via}. */
  private JsonObject presence(String via, String channel, String token) {
    String query = "{ presence(channel: \"" + channel + "\") { client user node } }";
    JsonArray clients = switch (via) {
      case "ws-presence" -> {
        try (AuthWsClient viewer = AuthWsClient.ws(node.vertx(), node.port(), token)) {
          viewer.next("connected");
          yield viewer.request(AuthWsClient.frame("presence", 2).put("channel", channel)).getJsonArray("clients");
        }
      }
      case "graphql-presence" -> {
        try (AuthWsClient viewer = AuthWsClient.graphql(node.vertx(), node.port())) {
          viewer.send(new JsonObject().put("type", "connection_init")
              .put("payload", token == null ? new JsonObject() : new JsonObject().put("token", token)));
          viewer.next("connection_ack");
          viewer.send(new JsonObject().put("id", "p").put("type", "subscribe").put("payload", new JsonObject().put("query", query)));
          yield viewer.next("next").getJsonObject("payload").getJsonObject("data").getJsonArray("presence");
        }
      }
      case "graphql-http" -> node.http().request(HttpMethod.POST, "/graphql",
          Buffer.buffer(new JsonObject().put("query", query).encode()), token).json().getJsonObject("data").getJsonArray("presence");
      case "http-api" -> node.http().get("/api/channels/" + channel + "/presence").json().getJsonArray("clients");
      default -> throw new IllegalArgumentException(via);
    };
    assertThat(clients).hasSize(1);
    return clients.getJsonObject(0);
  }
}
