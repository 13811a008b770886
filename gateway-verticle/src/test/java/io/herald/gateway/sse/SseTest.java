package io.herald.gateway.sse;

import io.herald.gateway.testing.SseClient.Event;
import io.herald.gateway.testing.SseClient;
import io.herald.gateway.testing.TestGatewayExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /sse} end to end with a real HTTP client: the events of a stream, one cursor over several channels
 * that resumes every one of them with nothing lost or repeated, {@code since}, recovery failure as an event, data
 * with line breaks, the cache option, keep-alive comments, and the ends the server decides (disconnect, unsubscribe).
 */
class SseTest {

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withSettings(Map.of("ws.ping_interval_ms", "200"))
      .namespaces(new JsonObject()
          .put("short", new JsonObject().put("history_size", 2))
          .put("state", new JsonObject().put("cache", true)));

  private static final AtomicInteger names = new AtomicInteger();

  private static String channel(String namespace) {
    return namespace + ":s" + names.incrementAndGet();
  }

  @Test
  void aStreamSaysConnectedThenSubscribedThenDeliversMessageFrames() {
    String channel = channel("news");
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
      assertThat(stream.header("Cache-Control")).isEqualTo("no-cache");
      JsonObject connected = stream.next("connected").json();
      assertThat(connected.getString("client")).isNotEmpty();
      assertThat(connected.getLong("ping_interval_ms")).isEqualTo(200);
      Event subscribed = stream.next("subscribed");
      assertThat(subscribed.json().getString("channel")).isEqualTo(channel);
      assertThat(subscribed.json().getLong("offset")).isZero();

      JsonObject published = node.http().publish(channel, new JsonObject().put("n", 1));
      Event message = stream.next("message");
      assertThat(message.json().getString("type")).isEqualTo("message");
      assertThat(message.json().getString("epoch")).isEqualTo(published.getString("epoch"));
      assertThat(message.json().getLong("offset")).isEqualTo(1);
      assertThat(message.json().getJsonObject("data")).isEqualTo(new JsonObject().put("n", 1));
      assertThat(message.id()).isEqualTo(published.getString("epoch") + ":1");
    }
  }

  @Test
  void oneCursorResumesEveryChannelOfTheStreamWithNothingLostOrRepeated() {
    List<String> channels = List.of(channel("news"), channel("news"), channel("news"));
    String query = "/sse?channel=" + String.join("&channel=", channels);
    String cursor;
    try (SseClient stream = SseClient.open(node.port(), query)) {
      stream.next("connected");
      for (int i = 0; i < channels.size(); i++) {
        stream.next("subscribed");
      }
      for (String c : channels) {
        node.http().publish(c, 1);
      }
      for (String c : channels) {
        assertThat(stream.next("message").json().getString("channel")).isEqualTo(c);
      }
      cursor = stream.lastEventId();
    }
    // Missed while away: two on the first channel, none on the second, one on the third.
    node.http().publish(channels.get(0), 2);
    node.http().publish(channels.get(0), 3);
    node.http().publish(channels.get(2), 2);

    try (SseClient resumed = SseClient.open(node.port(), query, Map.of("Last-Event-ID", cursor))) {
      resumed.next("connected");
      Map<String, List<Long>> offsets = new java.util.HashMap<>();
      int subscribed = 0;
      while (subscribed < channels.size() || offsets.values().stream().mapToInt(List::size).sum() < 3) {
        Event e = resumed.next();
        if (e.type().equals("subscribed")) {
          assertThat(e.json().getBoolean("recovered")).as(e.toString()).isTrue();
          subscribed++;
        } else {
          assertThat(e.type()).isEqualTo("message");
          offsets.computeIfAbsent(e.json().getString("channel"), k -> new java.util.ArrayList<>())
              .add(e.json().getLong("offset"));
        }
      }
      assertThat(offsets).isEqualTo(Map.of(channels.get(0), List.of(2L, 3L), channels.get(2), List.of(2L)));
      // Then live, on every channel, each once.
      node.http().publish(channels.get(1), 2);
      Event live = resumed.next("message");
      assertThat(live.json().getString("channel")).isEqualTo(channels.get(1));
      assertThat(live.json().getLong("offset")).isEqualTo(2);
    }
  }

  @Test
  void sinceResumesAStreamOfOneChannel() {
    String channel = channel("news");
    String epoch = node.http().publish(channel, "a").getString("epoch");
    node.http().publish(channel, "b");
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel + "&since=" + epoch + ":1")) {
      stream.next("connected");
      assertThat(stream.next("subscribed").json().getBoolean("recovered")).isTrue();
      Event missed = stream.next("message");
      assertThat(missed.json().getLong("offset")).isEqualTo(2);
      assertThat(missed.json().getString("data")).isEqualTo("b");
    }
  }

  @Test
  void aPositionHistoryNoLongerHoldsIsAnErrorEventAndTheStreamGoesOnFromTheLatest() {
    String channel = channel("short");
    String epoch = node.http().publish(channel, 1).getString("epoch");
    for (int n = 2; n <= 5; n++) {
      node.http().publish(channel, n);
    }
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel + "&since=" + epoch + ":1")) {
      stream.next("connected");
      Event error = stream.next("error");
      assertThat(error.json().getString("code")).isEqualTo("recovery_failed");
      assertThat(error.json().getString("channel")).isEqualTo(channel);
      assertThat(error.id()).isEqualTo(epoch + ":5");
      JsonObject subscribed = stream.next("subscribed").json();
      assertThat(subscribed.getBoolean("recovered")).isFalse();
      assertThat(subscribed.getLong("offset")).isEqualTo(5);
      node.http().publish(channel, 6);
      assertThat(stream.next("message").json().getLong("offset")).isEqualTo(6);
    }
  }

  @Test
  void dataWithLineBreaksArrivesAsTheSameJson() {
    String channel = channel("news");
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel)) {
      stream.next("connected");
      stream.next("subscribed");
      String body = "{\"channel\":\"" + channel + "\",\"data\":{\r\n  \"a\": 1,\n  \"b\": [2,\r 3]\n}}";
      assertThat(node.http().post("/api/publish", Buffer.buffer(body), null).status()).isEqualTo(200);
      JsonObject data = stream.next("message").json().getJsonObject("data");
      assertThat(data).isEqualTo(new JsonObject().put("a", 1).put("b", new io.vertx.core.json.JsonArray().add(2).add(3)));
    }
  }

  @Test
  void withTheCacheOptionAStreamStartsWithTheLatestMessage() {
    String channel = channel("state");
    node.http().publish(channel, "old");
    node.http().publish(channel, "current");
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel)) {
      stream.next("connected");
      stream.next("subscribed");
      JsonObject latest = stream.next("message").json();
      assertThat(latest.getLong("offset")).isEqualTo(2);
      assertThat(latest.getString("data")).isEqualTo("current");
    }
  }

  @Test
  void anIdleStreamGetsKeepAliveComments() {
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel("news"))) {
      stream.next("connected");
      assertThat(stream.nextComment()).isEqualTo("ping");
      assertThat(stream.nextComment()).isEqualTo("ping");
    }
  }

  @Test
  void aDisconnectByTheBackendEndsTheStreamWithACloseEvent() {
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel("news"))) {
      String client = stream.next("connected").json().getString("client");
      stream.next("subscribed");
      assertThat(node.http().post("/api/disconnect", new JsonObject().put("client", client)).json().getInteger("disconnected"))
          .isEqualTo(1);
      List<Event> rest = stream.untilEnd();
      assertThat(rest).hasSize(1);
      assertThat(rest.get(0).type()).isEqualTo("close");
      assertThat(rest.get(0).json().getInteger("code")).isEqualTo(4012);
    }
  }

  @Test
  void anUnsubscribeByTheBackendIsAnEventAndTheOtherChannelsGoOn() {
    String gone = channel("news");
    String kept = channel("news");
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + gone + "&channel=" + kept)) {
      String client = stream.next("connected").json().getString("client");
      stream.next("subscribed");
      stream.next("subscribed");
      assertThat(node.http().post("/api/unsubscribe", new JsonObject().put("channel", gone).put("client", client))
          .json().getInteger("unsubscribed")).isEqualTo(1);
      JsonObject unsubscribed = stream.next("unsubscribed").json();
      assertThat(unsubscribed.getString("channel")).isEqualTo(gone);
      assertThat(unsubscribed.getString("reason")).isEqualTo("server");
      node.http().publish(gone, 1);
      node.http().publish(kept, 1);
      assertThat(stream.next("message").json().getString("channel")).isEqualTo(kept);
    }
  }
}
