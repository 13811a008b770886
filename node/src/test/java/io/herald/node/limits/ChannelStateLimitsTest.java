package io.herald.node.limits;

import io.herald.gateway.testing.GraphQLWsClient;
import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node-wide bounds of channel state: reads of unknown channels create nothing, broker.max_channels
 * refuses a channel one over it with {@code too_many_channels} (existing channels keep working), and
 * broker.max_history_bytes keeps the retained history under its bound by dropping the oldest messages
 * of the least recently published channels (recovering from them then gets {@code recovery_failed}).
 */
class ChannelStateLimitsTest {

  private static final int MAX_CHANNELS = 12;
  private static final long MAX_HISTORY_BYTES = 4L << 20;
  /** A JSON string of about 32 KiB: the largest data a client may publish is 32,768 bytes. */
  private static final String LARGE = "\"" + "x".repeat(32_000) + "\"";

  @RegisterExtension
  static final NodeExtension reads = NodeExtension.withSettings(Map.of("ws.request_rate", "0"));
  @RegisterExtension
  static final NodeExtension fewChannels = NodeExtension.withSettings(Map.of("broker.max_channels",
      Integer.toString(MAX_CHANNELS), "ws.publish_rate", "0", "ws.read_bytes_rate", "0", "ws.new_channel_rate", "0", "ws.request_rate", "0"));
  @RegisterExtension
  static final NodeExtension smallHistory = NodeExtension.withSettings(Map.of("broker.max_history_bytes",
      Long.toString(MAX_HISTORY_BYTES), "ws.publish_rate", "0", "ws.read_bytes_rate", "0", "ws.new_channel_rate", "0", "ws.request_rate", "0"));

  private static double channels(NodeExtension node) {
    return Metrics.value(node.http(), "herald_channels");
  }

  private static double historyBytes(NodeExtension node) {
    return Metrics.value(node.http(), "herald_history_bytes");
  }

  /** The ways a client can read a channel without subscribing; each answers the messages it got. */
  enum Read {
    WS_HISTORY((node, channel) -> wsRequest(node, new JsonObject().put("type", "history").put("id", 1).put("channel", channel))
        .getJsonArray("messages")),
    WS_HISTORY_SINCE((node, channel) -> wsRequest(node, new JsonObject().put("type", "history").put("id", 1)
        .put("channel", channel).put("since", new JsonObject().put("epoch", "e").put("offset", 0)))
        .getJsonArray("messages", new JsonArray())),
    WS_PRESENCE((node, channel) -> wsRequest(node, new JsonObject().put("type", "presence").put("id", 1).put("channel", channel))
        .getJsonArray("clients")),
    HTTP_HISTORY((node, channel) -> node.http().get("/api/channels/" + channel + "/history").json().getJsonArray("messages")),
    HTTP_HISTORY_SINCE((node, channel) -> node.http().get("/api/channels/" + channel + "/history?since_offset=0")
        .json().getJsonArray("messages")),
    GRAPHQL_HTTP_HISTORY((node, channel) -> node.http().post("/graphql", new JsonObject()
        .put("query", "{ history(channel: \"" + channel + "\") { offset } }")).json().getJsonObject("data").getJsonArray("history")),
    GRAPHQL_WS_HISTORY((node, channel) -> {
      try (GraphQLWsClient client = GraphQLWsClient.connectAndInit(node.vertx(), node.port())) {
        client.subscribe("1", "{ history(channel: \"" + channel + "\") { offset } }");
        return client.expect("next", "1").getJsonObject("payload").getJsonObject("data").getJsonArray("history");
      }
    });

    final BiFunction<NodeExtension, String, JsonArray> read;

    Read(BiFunction<NodeExtension, String, JsonArray> read) {
      this.read = read;
    }
  }

  private static JsonObject wsRequest(NodeExtension node, JsonObject request) {
    try (WsClient client = node.connect()) {
      return client.request(request);
    }
  }

  @ParameterizedTest
  @EnumSource(Read.class)
  void readsOfUnknownChannelsAnswerEmptyAndCreateNothing(Read how) {
    double before = channels(reads);
    for (int i = 0; i < 5; i++) {
      assertThat(how.read.apply(reads, "unknown-" + how + "-" + i)).as("%s of an unknown channel", how).isEmpty();
    }
    assertThat(channels(reads)).as("channels held after %s of unknown channels", how).isEqualTo(before);
  }

  /** The ways a client or backend can create a channel, each answering the error code it got (null: none). */
  enum Create {
    WS_PUBLISH((client, channel) -> {
      JsonObject reply = client.ws.request(new JsonObject().put("type", "publish").put("id", 7).put("channel", channel).put("data", 1));
      return "error".equals(reply.getString("type")) ? reply.getString("code") : null;
    }),
    WS_SUBSCRIBE((client, channel) -> {
      JsonObject reply = client.ws.subscribe(8, channel);
      return "error".equals(reply.getString("type")) ? reply.getString("code") : null;
    }),
    HTTP_PUBLISH((client, channel) -> {
      HttpApiClient.Response response = client.node.http().post("/api/publish",
          new JsonObject().put("channel", channel).put("data", 1));
      return response.status() == 200 ? null : response.errorCode() + "/" + response.status();
    }),
    /** From offset 0 of the channel's epoch: a channel that has messages answers one at once. */
    GRAPHQL_SUBSCRIBE((client, channel) -> {
      String epoch = client.node.http().get("/api/channels/" + channel + "/history").json().getString("epoch");
      try (GraphQLWsClient graphQL = GraphQLWsClient.connectAndInit(client.node.vertx(), client.node.port())) {
        graphQL.subscribe("1", "subscription { messages(channel: \"" + channel + "\", sinceOffset: 0, epoch: \""
            + epoch + "\") { offset } }");
        JsonObject reply = graphQL.next();
        return "error".equals(reply.getString("type"))
            ? reply.getJsonArray("payload").getJsonObject(0).getJsonObject("extensions").getString("code") : null;
      }
    });

    final BiFunction<Client, String, String> create;

    Create(BiFunction<Client, String, String> create) {
      this.create = create;
    }
  }

  record Client(NodeExtension node, WsClient ws) {
  }

  @Test
  void channelsPastMaxChannelsAreRefusedWhileAnExistingChannelDeliversEveryMessageInOrder() {
    try (WsClient subscriber = fewChannels.connect(); WsClient publisher = fewChannels.connect()) {
      assertThat(subscriber.subscribe(1, "kept").getString("type")).isEqualTo("subscribed");
      List<String> refusals = new ArrayList<>();
      int sent = 0;
      for (int i = 0; i < 3 * MAX_CHANNELS; i++) {
        JsonObject reply = publisher.request(new JsonObject().put("type", "publish").put("id", i).put("channel", "flood-" + i)
            .put("data", i));
        if ("error".equals(reply.getString("type"))) {
          refusals.add(reply.getString("code"));
        }
        assertThat(publisher.request(new JsonObject().put("type", "publish").put("id", 1000 + i).put("channel", "kept")
            .put("data", i)).getString("type")).as("a publish to the existing channel").isEqualTo("published");
        sent++;
      }
      assertThat(refusals).as("new channels past broker.max_channels").isNotEmpty().containsOnly("too_many_channels");
      assertThat(channels(fewChannels)).isEqualTo(MAX_CHANNELS);

      for (int i = 0; i < sent; i++) {
        JsonObject message = subscriber.next("message");
        assertThat(message.getLong("offset")).isEqualTo(i + 1);
        assertThat(message.getInteger("data")).isEqualTo(i);
      }

      for (Create how : Create.values()) {
        assertThat(how.create.apply(new Client(fewChannels, publisher), "full-" + how))
            .as("%s of a new channel on a full node", how)
            .isEqualTo(how == Create.HTTP_PUBLISH ? "too_many_channels/503" : "too_many_channels");
        assertThat(how.create.apply(new Client(fewChannels, publisher), "flood-0"))
            .as("%s of an existing channel on a full node", how).isNull();
      }
      assertThat(channels(fewChannels)).isEqualTo(MAX_CHANNELS);
    }
  }

  /** How a flood of large messages spreads over channels. */
  enum Flood {
    ONE_CHANNEL(1, 250),
    MANY_CHANNELS(60, 4),
    EACH_MESSAGE_A_NEW_CHANNEL(300, 1);

    final int channels;
    final int perChannel;

    Flood(int channels, int perChannel) {
      this.channels = channels;
      this.perChannel = perChannel;
    }
  }

  @ParameterizedTest
  @EnumSource(Flood.class)
  void historyBytesStayWithinTheBoundAndTheOldestGoFirst(Flood flood) {
    try (WsClient client = smallHistory.connect()) {
      String prefix = "big-" + flood + "-";
      int id = 0;
      JsonObject first = null;
      for (int m = 0; m < flood.perChannel; m++) {
        for (int c = 0; c < flood.channels; c++) {
          client.sendText("{\"type\":\"publish\",\"id\":" + (++id) + ",\"channel\":\"" + prefix + c + "\",\"data\":" + LARGE + "}");
        }
        for (int c = 0; c < flood.channels; c++) {
          JsonObject reply = client.next("published");
          if (first == null) {
            first = reply;
          }
        }
        assertThat(historyBytes(smallHistory)).as("retained history").isLessThanOrEqualTo(MAX_HISTORY_BYTES);
      }
      int total = flood.channels * flood.perChannel;
      assertThat((double) total * LARGE.length()).as("the flood is larger than the bound").isGreaterThan(1.5 * MAX_HISTORY_BYTES);

      String newest = prefix + (flood.channels - 1);
      JsonObject latest = client.request(new JsonObject().put("type", "history").put("id", 1).put("channel", newest)
          .put("limit", 1));
      assertThat(latest.getJsonArray("messages")).as("the last published message is retained").hasSize(1);

      JsonObject recovery = client.request(new JsonObject().put("type", "subscribe").put("id", 2)
          .put("channel", first.getString("channel"))
          .put("since", new JsonObject().put("epoch", first.getString("epoch")).put("offset", 0)));
      assertThat(recovery.getString("code")).as("recovering the oldest, evicted, messages").isEqualTo("recovery_failed");
    }
  }
}
