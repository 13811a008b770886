package io.herald.node.limits;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-connection budgets: ws.new_channel_rate (channels a connection may create; requests to existing
 * channels are never refused by it), ws.request_rate (history, presence, subscribe) and
 * ws.max_reply_bytes (a longer history reply is cut and says {@code truncated}); token-bearing frames count
 * against ws.request_rate too. Each bucket starts full
 * and refills at 1 token a second, so the first {@link #BURST} requests pass and a few more in a row
 * cannot all be refilled in time, however loaded the machine.
 */
class ConnectionBudgetsTest {

  private static final int BURST = 3;
  private static final int EXTRA = 6;
  private static final int MAX_REPLY_BYTES = 8_000;

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of(
      "ws.new_channel_rate", "1", "ws.new_channel_burst", Integer.toString(BURST),
      "ws.publish_rate", "0", "ws.publish_max_rejections", "1000"));
  /** More than 3 refusals (of any publish limit, new channels included) within 10 s close the connection. */
  @RegisterExtension
  static final NodeExtension strict = NodeExtension.withSettings(Map.of(
      "ws.new_channel_rate", "1", "ws.new_channel_burst", Integer.toString(BURST), "ws.publish_max_rejections", "3"));
  @RegisterExtension
  static final NodeExtension requests = NodeExtension.withSettings(Map.of(
      "ws.request_rate", "1", "ws.request_burst", Integer.toString(BURST), "ws.publish_max_rejections", "1000",
      "ws.max_reply_bytes", Integer.toString(MAX_REPLY_BYTES)));

  /** A request that may create a channel, answering the error code it got or null. */
  enum Create {
    WS_PUBLISH {
      @Override
      String create(WsClient ws, GraphQLWsClient graphQL, String channel, int id) {
        return code(ws.request(new JsonObject().put("type", "publish").put("id", id).put("channel", channel).put("data", id)));
      }
    },
    WS_SUBSCRIBE {
      @Override
      String create(WsClient ws, GraphQLWsClient graphQL, String channel, int id) {
        return code(ws.subscribe(id, channel));
      }
    },
    GRAPHQL_PUBLISH {
      @Override
      String create(WsClient ws, GraphQLWsClient graphQL, String channel, int id) {
        graphQL.subscribe("p" + id, "mutation { publish(channel: \"" + channel + "\", data: 1) { offset } }");
        JsonObject reply = graphQL.next();
        if ("next".equals(reply.getString("type"))) {
          graphQL.expect("complete", "p" + id);
          JsonArray errors = reply.getJsonObject("payload").getJsonArray("errors");
          return errors == null || errors.isEmpty() ? null : errors.getJsonObject(0).getJsonObject("extensions").getString("code");
        }
        return "unexpected " + reply;
      }
    },
    GRAPHQL_SUBSCRIBE {
      /**
       * graphql-transport-ws has no "subscribed", so the subscription asks for something answered at once: a channel
       * that exists replays its first message (from offset 0), a new one answers recovery_failed (offset 1 is past
       * its latest, 0). A refusal answers an error.
       */
      @Override
      String create(WsClient ws, GraphQLWsClient graphQL, String channel, int id) {
        JsonObject history = node.http().get("/api/channels/" + channel + "/history").json();
        long since = history.getJsonArray("messages").isEmpty() ? 1 : 0;
        graphQL.subscribe("s" + id, "subscription { messages(channel: \"" + channel + "\", sinceOffset: " + since
            + ", epoch: \"" + history.getString("epoch") + "\") { offset } }");
        JsonObject reply = graphQL.next();
        if ("error".equals(reply.getString("type"))) {
          return reply.getJsonArray("payload").getJsonObject(0).getJsonObject("extensions").getString("code");
        }
        return null;
      }
    };

    abstract String create(WsClient ws, GraphQLWsClient graphQL, String channel, int id);
  }

  private static String code(JsonObject reply) {
    return "error".equals(reply.getString("type")) ? reply.getString("code") : null;
  }

  @ParameterizedTest
  @EnumSource(Create.class)
  void aConnectionCreatingChannelsFasterThanTheRateIsRateLimitedButKeepsUsingExistingOnes(Create how) {
    String existing = "existing-" + how;
    node.http().publish(existing, 0);
    double refusedBefore = Metrics.value(node.http(), "herald_limits_triggered_total{limit=\"new_channel_rate\"}");
    try (WsClient ws = node.connect(); GraphQLWsClient graphQL = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
      Create publisher = how == Create.GRAPHQL_PUBLISH ? Create.GRAPHQL_PUBLISH : Create.WS_PUBLISH;
      if (how != Create.GRAPHQL_SUBSCRIBE) {
        for (int i = 0; i < 2 * BURST; i++) {
          assertThat(publisher.create(ws, graphQL, existing, 100 + i)).as("a publish to an existing channel").isNull();
        }
      }
      List<String> outcomes = new ArrayList<>();
      for (int i = 0; i < BURST + EXTRA; i++) {
        outcomes.add(how.create(ws, graphQL, "new-" + how + "-" + i, i + 1));
      }
      assertThat(outcomes.subList(0, BURST)).as("new channels within the burst (existing ones took no token)").containsOnlyNulls();
      assertThat(outcomes).as("new channels past the burst").contains("rate_limited")
          .allSatisfy(code -> assertThat(code).isIn(null, "rate_limited"));
      assertThat(how.create(ws, graphQL, existing, 50)).as("the existing channel, with the budget spent").isNull();
    }
    assertThat(Metrics.value(node.http(), "herald_limits_triggered_total{limit=\"new_channel_rate\"}")).isGreaterThan(refusedBefore);
  }

  /** The channel flood: a connection that keeps asking for new channels past the refusals is closed (1008). */
  @org.junit.jupiter.api.Test
  void aConnectionCreatingChannelsPastTheRefusalsIsClosed() {
    try (WsClient ws = strict.connect()) {
      for (int id = 1; id <= BURST + 20 && !ws.isClosed(); id++) {
        try {
          ws.send(new JsonObject().put("type", "publish").put("id", id).put("channel", "flood-" + id).put("data", id));
        } catch (IllegalStateException closed) {
          break; // the node closed it between the check and the write
        }
      }
      assertThat(ws.awaitClose()).isEqualTo((short) 1008);
    }
  }

  /** A request metered by ws.request_rate. */
  enum Request {
    HISTORY(id -> new JsonObject().put("type", "history").put("id", id).put("channel", "read")),
    PRESENCE(id -> new JsonObject().put("type", "presence").put("id", id).put("channel", "read")),
    SUBSCRIBE(id -> new JsonObject().put("type", "subscribe").put("id", id).put("channel", "read-" + id));

    final java.util.function.IntFunction<JsonObject> frame;

    Request(java.util.function.IntFunction<JsonObject> frame) {
      this.frame = frame;
    }
  }

  @ParameterizedTest
  @EnumSource(Request.class)
  void requestsOverTheRequestRateAreRateLimitedAndTheConnectionStaysOpen(Request how) {
    try (WsClient ws = requests.connect()) {
      List<String> outcomes = new ArrayList<>();
      for (int id = 1; id <= BURST + EXTRA; id++) {
        outcomes.add(code(ws.request(how.frame.apply(id))));
      }
      assertThat(outcomes.subList(0, BURST)).as("%s within the burst", how).containsOnlyNulls();
      assertThat(outcomes).contains("rate_limited").allSatisfy(code -> assertThat(code).isIn(null, "rate_limited"));
      assertThat(ws.framesUntilPong(99)).as("still open").isEmpty();
      assertThat(ws.isClosed()).isFalse();
    }
  }

  /**
   * Every token presented is a signature check, so token-bearing frames are metered by ws.request_rate too:
   * /ws {@code sub_refresh} (and {@code connect}, {@code refresh}), and a GraphQL ping's tokens.
   */
  @org.junit.jupiter.api.Test
  void subscriptionTokenRefreshesOverTheRequestRateAreRateLimited() {
    try (WsClient ws = requests.connect()) {
      List<String> outcomes = new ArrayList<>();
      for (int id = 1; id <= BURST + EXTRA; id++) {
        outcomes.add(code(ws.request(new JsonObject().put("type", "sub_refresh").put("id", id).put("channel", "read")
            .put("token", "not-a-token"))));
      }
      assertThat(outcomes.subList(0, BURST)).as("within the burst: refused for the token, not the rate")
          .doesNotContain("rate_limited");
      assertThat(outcomes.subList(BURST, outcomes.size())).contains("rate_limited");
      assertThat(ws.framesUntilPong(99)).as("still open").isEmpty();
    }
  }

  @org.junit.jupiter.api.Test
  void aGraphQLPingsTokensAreMeteredAndThePingStillAnswered() {
    double refusedBefore = Metrics.value(requests.http(), "herald_limits_triggered_total{limit=\"request_rate\"}");
    try (GraphQLWsClient graphQL = GraphQLWsClient.connectAndInit(requests.vertx(), requests.port())) {
      JsonObject tokens = new JsonObject();
      for (int i = 0; i < BURST + EXTRA; i++) {
        tokens.put("op" + i, "not-a-token");
      }
      for (int i = 0; i < 2; i++) {
        graphQL.send(new JsonObject().put("type", "ping").put("payload", new JsonObject().put("subscription_tokens", tokens)));
        graphQL.expect("pong");
      }
      assertThat(graphQL.isClosed()).isFalse();
    }
    assertThat(Metrics.value(requests.http(), "herald_limits_triggered_total{limit=\"request_rate\"}"))
        .as("%d tokens a ping against a burst of %d", BURST + EXTRA, BURST).isGreaterThan(refusedBefore);
  }

  /** History requests of a channel of 20 messages of about 1 KiB, against an 8,000-byte reply bound. */
  enum Reply {
    LATEST_FIT(new JsonObject().put("limit", 5), 16, 20, false),
    LATEST_CUT(new JsonObject(), 14, 20, true),
    SINCE_FIT(new JsonObject().put("since", 10).put("limit", 3), 11, 13, false),
    SINCE_CUT(new JsonObject().put("since", 2), 3, 9, true);

    final JsonObject request;
    final long firstOffset;
    final long lastOffset;
    final boolean truncated;

    Reply(JsonObject request, long firstOffset, long lastOffset, boolean truncated) {
      this.request = request;
      this.firstOffset = firstOffset;
      this.lastOffset = lastOffset;
      this.truncated = truncated;
    }
  }

  @ParameterizedTest
  @EnumSource(Reply.class)
  void aHistoryReplyOverMaxReplyBytesIsCutToFewerMessagesAndSaysSo(Reply how) {
    String channel = "reply-" + how;
    String epoch = null;
    for (int i = 1; i <= 20; i++) {
      epoch = requests.http().publish(channel, "x".repeat(1_000)).getString("epoch");
    }
    JsonObject request = new JsonObject().put("type", "history").put("id", 1).put("channel", channel);
    if (how.request.containsKey("limit")) {
      request.put("limit", how.request.getInteger("limit"));
    }
    if (how.request.containsKey("since")) {
      request.put("since", new JsonObject().put("epoch", epoch).put("offset", how.request.getInteger("since")));
    }
    try (WsClient ws = requests.connect()) {
      JsonObject reply = ws.request(request);
      JsonArray messages = reply.getJsonArray("messages");
      assertThat(messages.getJsonObject(0).getLong("offset")).isEqualTo(how.firstOffset);
      assertThat(messages.getJsonObject(messages.size() - 1).getLong("offset")).isEqualTo(how.lastOffset);
      assertThat(messages).hasSize((int) (how.lastOffset - how.firstOffset + 1));
      assertThat(reply.getBoolean("truncated", false)).isEqualTo(how.truncated);
      assertThat(reply.toBuffer().length()).isLessThanOrEqualTo(MAX_REPLY_BYTES + 200);
    }
  }
}
