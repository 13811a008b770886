package io.herald.load.engine;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What a client process counted travels to the parent as JSON and adds up; the child answers only its commands. */
class DeliveryShareTest {

  @Test
  void aShareSurvivesItsJson() {
    DeliveryShare s = new DeliveryShare(1, 10, 95, 5, 2, 1, 3, recorder(1_000, 4_000, 90_000));
    DeliveryShare back = DeliveryShare.fromJson(new JsonObject(s.toJson().encode()));
    assertThat(back.process()).isEqualTo(1);
    assertThat(List.of(back.subscribers(), back.delivered(), back.missing(), back.duplicated(), back.outOfOrder(),
        back.errors())).containsExactly(10L, 95L, 5L, 2L, 1L, 3L);
    assertThat(back.latency().summary()).isEqualTo(s.latency().summary());
  }

  @Test
  void sharesOfTwoProcessesAddUpAndTheirLatenciesMerge() {
    DeliveryShare a = new DeliveryShare(0, 10, 100, 0, 1, 0, 0, recorder(1_000, 2_000));
    DeliveryShare b = new DeliveryShare(1, 5, 48, 2, 0, 3, 1, recorder(50_000));

    DeliveryShare all = DeliveryShare.merge(List.of(a, b));
    assertThat(List.of(all.subscribers(), all.delivered(), all.missing(), all.duplicated(), all.outOfOrder(),
        all.errors())).containsExactly(15L, 148L, 2L, 1L, 3L, 1L);
    assertThat(all.latency().count()).isEqualTo(3);
    assertThat(all.latency().summary().max()).isEqualTo(50.0, org.assertj.core.data.Offset.offset(0.1));
    assertThat(DeliveryShare.merge(List.of(a))).as("one process: its own share").isSameAs(a);
  }

  @Test
  void twoStretchesOfTheSameProcessesAddUpProcessByProcess() {
    List<DeliveryShare> first = List.of(new DeliveryShare(0, 10, 100, 0, 0, 0, 1, recorder(1_000)),
        new DeliveryShare(1, 10, 100, 0, 0, 0, 0, recorder(1_000)));
    List<DeliveryShare> second = List.of(new DeliveryShare(0, 10, 90, 10, 0, 0, 2, recorder(2_000)),
        new DeliveryShare(1, 10, 100, 0, 0, 0, 0, recorder(2_000)));

    List<DeliveryShare> sum = DeliveryShare.plusEach(first, second);
    assertThat(sum).hasSize(2);
    assertThat(sum.get(0).subscribers()).as("the same subscribers, not twice as many").isEqualTo(10);
    assertThat(sum.get(0).delivered()).isEqualTo(190);
    assertThat(sum.get(0).missing()).isEqualTo(10);
    assertThat(sum.get(0).errors()).as("error events since opening: the later count").isEqualTo(2);
    assertThat(sum.get(1).latency().count()).isEqualTo(2);
  }

  @Test
  void aChildAnswersItsCommandsAndRefusesOthers() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Subscribers none = new Subscribers(vertx, List.of(URI.create("http://127.0.0.1:1")), Subscribers.Protocol.WS, "c");
      LocalAudience local = new LocalAudience(vertx, none, 2);
      assertThat(await(RemoteAudience.answer(local, "MARK 10"))).isEqualTo(new JsonObject().put("confirmed", 0L));
      assertThat(await(RemoteAudience.answer(local, "COUNT 7"))).isEqualTo(new JsonObject());
      JsonObject share = await(RemoteAudience.answer(local, "DELIVERIES 3 10"));
      assertThat(share.getInteger("process")).isEqualTo(2);
      assertThat(share.getLong("subscribers")).isZero();
      assertThat(RemoteAudience.answer(local, "FLY 1").failed()).isTrue();
      assertThat(RemoteAudience.answer(local, "COUNT seven").failed()).isTrue();
      assertThat(RemoteAudience.answer(local, "DELIVERIES 3").failed()).isTrue();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static JsonObject await(io.vertx.core.Future<JsonObject> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static LatencyRecorder recorder(long... micros) {
    LatencyRecorder r = new LatencyRecorder();
    for (long m : micros) {
      r.recordMicros(m);
    }
    return r;
  }
}
