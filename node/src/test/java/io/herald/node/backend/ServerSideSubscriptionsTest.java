package io.herald.node.backend;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.Tokens;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Subscriptions the server opens: {@code POST /api/subscribe} for a client or a user, and a token's {@code subs}
 * claim on connect (with the positions the client gives in {@code connect}). The client gets {@code subscribed}
 * without an id, then the channel's messages. Auth is on but not required, so anonymous clients connect too.
 */
class ServerSideSubscriptionsTest {

  private static final String SECRET = "server-side-subscriptions-secret-0123456789";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("gateway.instances", "1", "auth.hmac_secret", SECRET));

  private final List<WsClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
  }

  @Test
  void aClientIsSubscribedByItsIdAndGetsTheChannelsMessages() {
    String channel = channel();
    WsClient client = connect("/ws");

    JsonObject reply = node.http().post("/api/subscribe", new JsonObject().put("channel", channel).put("client", client.clientId())).json();
    JsonObject subscribed = client.next("subscribed");
    node.http().publish(channel, "hello");

    assertThat(reply).isEqualTo(new JsonObject().put("subscribed", 1));
    assertThat(subscribed.getString("channel")).isEqualTo(channel);
    assertThat(subscribed.containsKey("id")).as("nobody asked").isFalse();
    assertThat(client.next("message").getString("data")).isEqualTo("hello");
    assertThat(node.http().post("/api/subscribe", new JsonObject().put("channel", channel).put("client", client.clientId()))
        .json().getLong("subscribed")).as("already subscribed").isZero();
  }

  @Test
  void everyConnectionOfAUserIsSubscribedFromSince() {
    String channel = channel();
    String epoch = node.http().publish(channel, 1).getString("epoch");
    node.http().publish(channel, 2);
    String token = tokens().sign(Tokens.claims("dana", 3600));
    WsClient first = connect("/ws?token=" + token);
    WsClient second = connect("/ws?token=" + token);
    WsClient someoneElse = connect("/ws");

    JsonObject reply = node.http().post("/api/subscribe", new JsonObject().put("channel", channel).put("user", "dana")
        .put("since", new JsonObject().put("epoch", epoch).put("offset", 1))).json();

    assertThat(reply.getLong("subscribed")).isEqualTo(2);
    for (WsClient c : List.of(first, second)) {
      assertThat(c.next("subscribed").getBoolean("recovered")).isTrue();
      assertThat(c.next("message").getLong("offset")).as("the one missed after since").isEqualTo(2);
    }
    assertThat(someoneElse.framesUntilPong(9)).isEmpty();
  }

  @Test
  void nobodyToSubscribeAnswersZero() {
    assertThat(node.http().post("/api/subscribe", new JsonObject().put("channel", channel()).put("client", "no-such-client"))
        .json().getLong("subscribed")).isZero();
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        arguments("no channel", new JsonObject().put("client", "c")),
        arguments("an invalid channel", new JsonObject().put("channel", "a b").put("client", "c")),
        arguments("neither client nor user", new JsonObject().put("channel", "c")),
        arguments("since not an object", new JsonObject().put("channel", "c").put("client", "c").put("since", 5)),
        arguments("since without epoch", new JsonObject().put("channel", "c").put("client", "c")
            .put("since", new JsonObject().put("offset", 1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void aBadBodyIs400AndSubscribesNobody(String name, JsonObject body) {
    WsClient client = connect("/ws");
    Response r = node.http().post("/api/subscribe", body.containsKey("client") ? body.put("client", client.clientId()) : body);

    assertThat(r.status()).as(name).isEqualTo(400);
    assertThat(r.errorCode()).isIn("bad_request", "invalid_channel");
    assertThat(client.framesUntilPong(9)).isEmpty();
  }

  @Test
  void aTokensSubsClaimSubscribesOnConnectFromThePositionsTheClientGives() {
    String recovered = channel();
    String live = channel();
    String epoch = node.http().publish(recovered, "missed-1").getString("epoch");
    node.http().publish(recovered, "missed-2");
    String token = tokens().sign(Tokens.claims("erin", 3600).put("subs", new JsonArray().add(recovered).add(live)));
    WsClient client = connect("/ws");

    JsonObject connected = client.request(new JsonObject().put("type", "connect").put("id", 1).put("token", token)
        .put("subs", new JsonObject().put(recovered, new JsonObject().put("epoch", epoch).put("offset", 1))));

    assertThat(connected.getString("type")).isEqualTo("connected");
    JsonObject first = client.next("subscribed");
    assertThat(first.getString("channel")).isEqualTo(recovered);
    assertThat(first.getBoolean("recovered")).isTrue();
    assertThat(client.next("message").getString("data")).isEqualTo("missed-2");
    assertThat(client.next("subscribed").getString("channel")).isEqualTo(live);
    node.http().publish(live, "now");
    assertThat(client.next("message").getString("data")).isEqualTo("now");
  }

  @Test
  void aSubsClaimOnTheUpgradeUrlSubscribesLive() {
    String channel = channel();
    WsClient client = connect("/ws?token=" + tokens().sign(Tokens.claims("finn", 3600).put("subs", new JsonArray().add(channel))));

    assertThat(client.next("subscribed").getString("channel")).isEqualTo(channel);
    assertThat(node.http().get("/api/channels/" + channel + "/presence").json().getJsonArray("clients")).hasSize(1);
  }

  @Test
  void aMalformedSubsPositionInConnectIsABadRequestAndSubscribesNothing() {
    String channel = channel();
    String token = tokens().sign(Tokens.claims("gus", 3600).put("subs", new JsonArray().add(channel)));
    WsClient client = connect("/ws");

    JsonObject error = client.request(new JsonObject().put("type", "connect").put("id", 1).put("token", token)
        .put("subs", new JsonObject().put(channel, "not a position")));

    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getString("code")).isEqualTo("bad_request");
    assertThat(client.framesUntilPong(9)).isEmpty();
  }

  private Tokens tokens() {
    return Tokens.hs256(node.vertx(), SECRET);
  }

  private WsClient connect(String uri) {
    WsClient client = WsClient.connect(node.vertx(), node.port(), new WebSocketClientOptions(), uri);
    clients.add(client);
    return client;
  }

  private static String channel() {
    return "server-subs:" + UUID.randomUUID();
  }
}
