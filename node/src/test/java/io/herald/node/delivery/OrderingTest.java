package io.herald.node.delivery;

import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent publishers, over HTTP and over /ws, into one channel: every subscriber sees the same
 * gapless sequence of offsets with each publisher's messages in the order it sent them.
 */
class OrderingTest {

  static final String CHANNEL = "ordering";
  static final int PER_PUBLISHER = 100;
  static final int HTTP_PUBLISHERS = 2;
  static final int WS_PUBLISHERS = 2;
  static final int PUBLISHERS = HTTP_PUBLISHERS + WS_PUBLISHERS;
  static final int TOTAL = PUBLISHERS * PER_PUBLISHER;
  static final int SUBSCRIBERS = 20;

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults();

  @Test
  void everySubscriberGetsTheSameGaplessSequenceWithEachPublishersOrderKept() throws Exception {
    List<WsClient> subscribers = new ArrayList<>();
    List<WsClient> wsPublishers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
    try {
      String epoch = null;
      for (int s = 0; s < SUBSCRIBERS; s++) {
        WsClient client = node.connect();
        subscribers.add(client);
        JsonObject subscribed = client.subscribe(1, CHANNEL);
        assertThat(subscribed.getLong("offset")).isZero();
        epoch = epoch == null ? subscribed.getString("epoch") : epoch;
        assertThat(subscribed.getString("epoch")).isEqualTo(epoch);
      }
      for (int p = 0; p < WS_PUBLISHERS; p++) {
        wsPublishers.add(node.connect());
      }

      // Each publisher returns the offset the server gave each of its messages, in send order.
      CyclicBarrier go = new CyclicBarrier(PUBLISHERS);
      List<CompletableFuture<List<Long>>> publishers = new ArrayList<>();
      for (int p = 0; p < HTTP_PUBLISHERS; p++) {
        HttpApiClient http = node.newHttp();
        int publisher = p;
        publishers.add(CompletableFuture.supplyAsync(() -> publishOverHttp(http, publisher, go), pool));
      }
      for (int p = 0; p < WS_PUBLISHERS; p++) {
        WsClient ws = wsPublishers.get(p);
        int publisher = HTTP_PUBLISHERS + p;
        publishers.add(CompletableFuture.supplyAsync(() -> publishOverWs(ws, publisher, go), pool));
      }

      // offset -> the data published with it, from the publishers' own replies
      Map<Long, JsonObject> published = new HashMap<>();
      for (int p = 0; p < PUBLISHERS; p++) {
        List<Long> offsets = publishers.get(p).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < PER_PUBLISHER; i++) {
          assertThat(published.put(offsets.get(i), data(p, i))).as("offset %d assigned twice", offsets.get(i)).isNull();
        }
        assertThat(offsets).as("publisher %d's offsets follow its send order", p).isSorted();
      }
      assertThat(published.keySet()).containsExactlyInAnyOrderElementsOf(offsets(1, TOTAL));

      for (WsClient subscriber : subscribers) {
        assertReceivedExactly(subscriber, epoch, published);
      }
    } finally {
      pool.shutdownNow();
      subscribers.forEach(WsClient::close);
      wsPublishers.forEach(WsClient::close);
    }
  }

  private static List<Long> publishOverHttp(HttpApiClient http, int publisher, CyclicBarrier go) {
    await(go);
    List<Long> offsets = new ArrayList<>(PER_PUBLISHER);
    for (int i = 0; i < PER_PUBLISHER; i++) {
      JsonObject reply = http.publish(CHANNEL, data(publisher, i));
      offsets.add(reply.getLong("offset"));
    }
    return offsets;
  }

  /** Pipelines every publish on the connection, then collects the replies by id. */
  private static List<Long> publishOverWs(WsClient ws, int publisher, CyclicBarrier go) {
    await(go);
    for (int i = 0; i < PER_PUBLISHER; i++) {
      ws.send(new JsonObject().put("type", "publish").put("id", i).put("channel", CHANNEL).put("data", data(publisher, i)));
    }
    Long[] offsets = new Long[PER_PUBLISHER];
    for (int i = 0; i < PER_PUBLISHER; i++) {
      JsonObject reply = ws.next("published");
      offsets[reply.getInteger("id")] = reply.getLong("offset");
    }
    return List.of(offsets);
  }

  /** Reads {@link #TOTAL} messages: offsets 1..TOTAL in order, one epoch, each with the data published at it. */
  private static void assertReceivedExactly(WsClient subscriber, String epoch, Map<Long, JsonObject> published) {
    int[] nextSeq = new int[PUBLISHERS];
    for (long expected = 1; expected <= TOTAL; expected++) {
      JsonObject message = subscriber.next("message");
      assertThat(message.getLong("offset")).as("offset after %d", expected - 1).isEqualTo(expected);
      assertThat(message.getString("epoch")).isEqualTo(epoch);
      JsonObject data = message.getJsonObject("data");
      assertThat(data).isEqualTo(published.get(expected));
      int p = data.getInteger("p");
      assertThat(data.getInteger("i")).as("publisher %d's order", p).isEqualTo(nextSeq[p]++);
    }
    assertThat(nextSeq).containsOnly(PER_PUBLISHER);
    // Nothing else is queued: the reply to a ping comes right after the last message.
    JsonObject pong = subscriber.request(new JsonObject().put("type", "ping").put("id", 99));
    assertThat(pong.getString("type")).isEqualTo("pong");
  }

  private static JsonObject data(int publisher, int seq) {
    return new JsonObject().put("p", publisher).put("i", seq);
  }

  private static List<Long> offsets(long from, long to) {
    return IntStream.rangeClosed((int) from, (int) to).mapToObj(i -> (long) i).toList();
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
