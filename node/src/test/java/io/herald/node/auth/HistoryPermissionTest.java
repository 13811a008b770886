package io.herald.node.auth;

import io.herald.gateway.testing.Tokens;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscribe with {@code since} replays history, so it needs the namespace's {@code history} permission
 * like a history request: where history is off it is refused with {@code permission_denied} on every
 * transport that takes a position (/ws {@code subscribe}, GraphQL {@code messages(sinceOffset, epoch)}),
 * while a subscribe without {@code since} is still served (live messages only).
 */
class HistoryPermissionTest {

  private static final String SECRET = "history-permission-secret-0123456789";
  private static final String MESSAGES = "subscription($c: String!, $o: Long, $e: String, $t: String) "
      + "{ messages(channel: $c, sinceOffset: $o, epoch: $e, token: $t) { offset } }";
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("auth.hmac_secret", SECRET))
      .namespaces(new JsonObject()
          .put("nohist", new JsonObject().put("history", false))
          .put("tok", new JsonObject().put("subscribe", "token"))
          .put("toknohist", new JsonObject().put("subscribe", "token").put("history", false)));

  private Tokens tokens;

  @BeforeEach
  void signer() {
    tokens = Tokens.hs256(node.vertx(), SECRET);
  }

  @ParameterizedTest(name = "{0} {1} since={2} -> {3}")
  @CsvSource({
      "open,      ws,      true,  replayed",
      "open,      graphql, true,  replayed",
      "nohist,    ws,      true,  permission_denied",
      "nohist,    graphql, true,  permission_denied",
      "nohist,    ws,      false, live",
      "nohist,    graphql, false, live",
      "tok,       ws,      true,  replayed",
      "tok,       graphql, true,  replayed",
      "toknohist, ws,      true,  permission_denied",
      "toknohist, graphql, true,  permission_denied",
      "toknohist, ws,      false, live",
      "toknohist, graphql, false, live",
  })
  void aReplayNeedsTheHistoryPermission(String namespace, String transport, boolean since, String expected) {
    String channel = namespace + ":c" + CHANNELS.incrementAndGet();
    for (int i = 1; i <= 3; i++) {
      node.http().publish(channel, new JsonObject().put("n", i));
    }
    String epoch = node.http().get("/api/channels/" + channel + "/history").json().getString("epoch");
    String grant = namespace.startsWith("tok") ? tokens.sign(Tokens.claims("alice", 3600).put("channel", channel)) : null;
    List<Long> replayed = transport.equals("ws")
        ? viaWs(channel, since ? epoch : null, grant, expected)
        : viaGraphQL(channel, since ? epoch : null, grant, expected);
    if (expected.equals("replayed")) {
      assertThat(replayed).containsExactly(1L, 2L, 3L);
    } else if (expected.equals("live")) {
      assertThat(replayed).as("the first message after subscribing is a live one, no replay").hasSize(1)
          .allMatch(offset -> offset > 3);
    }
  }

  /** Subscribes on /ws from offset 0 of {@code epoch} (or without since); returns the offsets received. */
  private List<Long> viaWs(String channel, String epoch, String grant, String expected) {
    AuthWsClient client = AuthWsClient.ws(node.vertx(), node.port(), tokens.user("alice"));
    client.next("connected");
    JsonObject subscribe = AuthWsClient.frame("subscribe", 1).put("channel", channel).put("token", grant);
    if (epoch != null) {
      subscribe.put("since", new JsonObject().put("epoch", epoch).put("offset", 0));
    }
    JsonObject reply = client.request(subscribe);
    List<Long> offsets = new ArrayList<>();
    try (client) {
      if (!expected.equals("replayed") && !expected.equals("live")) {
        assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("error");
        assertThat(reply.getString("code")).isEqualTo(expected);
        assertThat(client.isClosed()).isFalse();
        return offsets;
      }
      assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("subscribed");
      if (expected.equals("live")) {
        node.http().publish(channel, new JsonObject().put("n", 4));
      }
      int wanted = expected.equals("replayed") ? 3 : 1;
      while (offsets.size() < wanted) {
        offsets.add(client.next("message").getLong("offset"));
      }
    }
    return offsets;
  }

  /** The same over graphql-transport-ws with {@code messages(sinceOffset: 0, epoch)}. */
  private List<Long> viaGraphQL(String channel, String epoch, String grant, String expected) {
    List<Long> offsets = new ArrayList<>();
    try (AuthWsClient client = AuthWsClient.graphql(node.vertx(), node.port())) {
      client.send(new JsonObject().put("type", "connection_init").put("payload", new JsonObject().put("token", tokens.user("alice"))));
      client.next("connection_ack");
      JsonObject variables = new JsonObject().put("c", channel).put("t", grant);
      if (epoch != null) {
        variables.put("o", 0).put("e", epoch);
      }
      client.send(new JsonObject().put("id", "1").put("type", "subscribe")
          .put("payload", new JsonObject().put("query", MESSAGES).put("variables", variables)));
      if (!expected.equals("replayed") && !expected.equals("live")) {
        JsonObject error = client.next("error");
        assertThat(error.getJsonArray("payload").getJsonObject(0).getJsonObject("extensions").getString("code"))
            .isEqualTo(expected);
        assertThat(client.isClosed()).isFalse();
        return offsets;
      }
      if (expected.equals("live")) {
        // graphql-transport-ws does not answer a subscribe: publish until a live message arrives.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
          node.http().publish(channel, new JsonObject().put("n", 4));
          return client.pending() > 0;
        });
      }
      int wanted = expected.equals("replayed") ? 3 : 1;
      while (offsets.size() < wanted) {
        offsets.add(client.next("next").getJsonObject("payload").getJsonObject("data").getJsonObject("messages")
            .getLong("offset"));
      }
    }
    return offsets;
  }
}
