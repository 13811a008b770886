package io.herald.load.peer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Herald's side, as the load tool spoke it before peers existed: offsets key the ledger. */
class HeraldPeerTest {

  private static final URI NODE = URI.create("http://127.0.0.1:8080");
  private final HeraldPeer ws = new HeraldPeer(false);
  private final HeraldPeer graphql = new HeraldPeer(true);

  @Test
  void wsMessageIsKeyedByOffset() {
    Peer.Frame frame = ws.parse("{\"type\":\"message\",\"channel\":\"c\",\"offset\":7,\"data\":{\"t\":5,\"i\":0}}", "c");

    assertThat(frame.type()).isEqualTo(Peer.Frame.Type.MESSAGE);
    assertThat(frame.key()).isEqualTo(7);
    assertThat(frame.data()).isEqualTo(new JsonObject().put("t", 5).put("i", 0));
  }

  @Test
  void batchedSubscribersAskForMessagesFramesAndReadEachItemByOffset() {
    HeraldPeer batched = HeraldPeer.batched();
    assertThat(batched.subscribeOptions(NODE, "c").getURI()).isEqualTo("/ws?batch=true");
    Peer.Frame frame = batched.parse("{\"type\":\"messages\",\"items\":[{\"type\":\"message\",\"offset\":3,\"data\":1},"
        + "{\"type\":\"message\",\"offset\":4,\"data\":{\"t\":5}}]}", "c");

    assertThat(frame.type()).isEqualTo(Peer.Frame.Type.MESSAGES);
    assertThat(frame.items()).extracting(Peer.Frame::key).containsExactly(3L, 4L);
    assertThat(frame.items()).extracting(Peer.Frame::data).containsExactly(1, new JsonObject().put("t", 5));
    assertThat(ws.subscribeOptions(NODE, "c").getURI()).isEqualTo("/ws");
  }

  @Test
  void aBatchIsOneBodyAndItsAnswerGivesTheHighestOffset() {
    Buffer body = ws.publishBatchBody("c", java.util.List.of("{\"i\":1}", "2"));

    assertThat(body.toJsonObject()).isEqualTo(new JsonObject().put("messages", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("channel", "c").put("data", new JsonObject().put("i", 1)))
        .add(new JsonObject().put("channel", "c").put("data", 2))));
    assertThat(ws.batches()).isTrue();
    assertThat(ws.publishBatchAnswer(200, Buffer.buffer("{\"results\":[{\"channel\":\"c\",\"epoch\":\"e\",\"offset\":8},"
        + "{\"channel\":\"c\",\"epoch\":\"e\",\"offset\":9}]}"))).isEqualTo(9);
    assertThatThrownBy(() -> ws.publishBatchAnswer(200, Buffer.buffer("{\"results\":[{\"channel\":\"c\",\"epoch\":\"e\","
        + "\"offset\":8},{\"error\":{\"code\":\"rate_limited\",\"message\":\"slow down\"}}]}")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ws.publishBatchAnswer(400, Buffer.buffer("{}"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void wsSubscribesWithAFrameAndIsConfirmed() {
    assertThat(ws.openingFrames("c")).containsExactly("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"c\"}");
    assertThat(ws.parse("{\"type\":\"subscribed\",\"id\":1,\"channel\":\"c\",\"offset\":0}", "c").type())
        .isEqualTo(Peer.Frame.Type.SUBSCRIBED);
    assertThat(ws.parse("{\"type\":\"error\",\"id\":1,\"code\":\"bad_request\"}", "c").type())
        .isEqualTo(Peer.Frame.Type.ERROR);
    assertThat(ws.confirmsSubscription()).isTrue();
    assertThat(ws.keysByOffset()).isTrue();
    assertThat(ws.subscribeOptions(NODE, "c").getURI()).isEqualTo("/ws");
  }

  @Test
  void graphqlAnswersTheAckWithItsSubscription() {
    Peer.Frame reply = graphql.parse("{\"type\":\"connection_ack\"}", "chat:1");

    assertThat(reply.type()).isEqualTo(Peer.Frame.Type.REPLY);
    JsonObject subscribe = new JsonObject(reply.reply());
    assertThat(subscribe.getString("type")).isEqualTo("subscribe");
    assertThat(subscribe.getJsonObject("payload").getJsonObject("variables").getString("c")).isEqualTo("chat:1");
    assertThat(graphql.subscribeOptions(NODE, "c").getSubProtocols()).containsExactly("graphql-transport-ws");
    assertThat(graphql.confirmsSubscription()).isFalse();
  }

  @Test
  void graphqlReplayingAsksForTheMessagesAfterAnOffsetAndIsConfirmedByThem() {
    HeraldPeer replaying = HeraldPeer.graphqlReplayingAfter("e1", 41);

    JsonObject payload = new JsonObject(replaying.parse("{\"type\":\"connection_ack\"}", "chat:1").reply())
        .getJsonObject("payload");
    assertThat(payload.getString("query")).contains("sinceOffset: $s", "epoch: $e");
    assertThat(payload.getJsonObject("variables"))
        .isEqualTo(new JsonObject().put("c", "chat:1").put("s", 41).put("e", "e1"));
    // the replayed marker confirms the subscription, so opening waits for it
    assertThat(replaying.confirmsSubscription()).isTrue();
    assertThat(new JsonObject(graphql.parse("{\"type\":\"connection_ack\"}", "c").reply())
        .getJsonObject("payload").getJsonObject("variables").fieldNames()).containsExactly("c");
  }

  @Test
  void graphqlNextIsKeyedByOffset() {
    Peer.Frame frame = graphql.parse("{\"id\":\"1\",\"type\":\"next\",\"payload\":{\"data\":{\"messages\":"
        + "{\"offset\":12,\"data\":{\"t\":1,\"i\":3}}}}}", "c");

    assertThat(frame.type()).isEqualTo(Peer.Frame.Type.MESSAGE);
    assertThat(frame.key()).isEqualTo(12);
  }

  @Test
  void publishWrapsDataAndReadsTheOffset() {
    assertThat(ws.publishRequest(NODE, "c").getURI()).isEqualTo("/api/publish");
    assertThat(new JsonObject(ws.publishBody("c", "{\"t\":1}"))).isEqualTo(
        new JsonObject().put("channel", "c").put("data", new JsonObject().put("t", 1)));
    assertThat(ws.publishAnswer(200, Buffer.buffer("{\"offset\":9,\"epoch\":\"e\"}"))).isEqualTo(9);
    assertThatThrownBy(() -> ws.publishAnswer(400, Buffer.buffer("{\"error\":{}}")))
        .isInstanceOf(IllegalStateException.class);
  }
}
