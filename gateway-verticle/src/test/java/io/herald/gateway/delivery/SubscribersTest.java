package io.herald.gateway.delivery;

import io.herald.core.HistoryPage;
import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.herald.gateway.session.ClientSession;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** A channel's subscribers on a loop: O(1) join and leave, and a dispatch that subscribers may leave or join. */
class SubscribersTest {

  private final Subscribers subscribers = new Subscribers();
  /** Messages each subscription received, by offset. */
  private final Map<Subscription, List<Long>> received = new HashMap<>();
  /** What a subscription does when it receives a message (leave others, join new ones...). */
  private final Map<Subscription, Consumer<Message>> onDelivery = new HashMap<>();
  /** What a subscription does when it receives a push. */
  private final Map<Subscription, Consumer<Subscription>> onPush = new HashMap<>();

  @Test
  void everySubscriberGetsEachMessageOnce() {
    List<Subscription> all = join(3);
    assertThat(subscribers.offer(message(1))).isEqualTo(3);
    all.forEach(s -> assertThat(received.get(s)).containsExactly(1L));
  }

  @Test
  void subscribersLeavingDuringADispatchAreNeitherSkippedNorServedTwice() {
    List<Subscription> all = join(5);
    // The second subscriber's delivery ends the first (already served) and the fourth (not yet served).
    onDelivery.put(all.get(1), m -> {
      assertThat(subscribers.remove(all.get(0))).isTrue();
      assertThat(subscribers.remove(all.get(3))).isTrue();
    });

    assertThat(subscribers.offer(message(1))).isEqualTo(4);

    assertThat(received.get(all.get(0))).containsExactly(1L);
    assertThat(received.get(all.get(3))).isEmpty();
    for (int i : new int[] {1, 2, 4}) {
      assertThat(received.get(all.get(i))).containsExactly(1L);
    }
    assertThat(subscribers.size()).isEqualTo(3);
    onDelivery.clear();
    assertThat(subscribers.offer(message(2))).isEqualTo(3);
    for (int i : new int[] {1, 2, 4}) {
      assertThat(received.get(all.get(i))).containsExactly(1L, 2L);
    }
  }

  @Test
  void subscribersJoiningDuringADispatchStartWithTheNextMessage() {
    List<Subscription> all = join(2);
    Subscription late = subscription(1); // live from where the channel stands: after message 1
    onDelivery.put(all.get(0), m -> subscribers.add(late));

    assertThat(subscribers.offer(message(1))).isEqualTo(2);
    onDelivery.clear();
    assertThat(subscribers.offer(message(2))).isEqualTo(3);

    assertThat(received.get(late)).containsExactly(2L);
    assertThat(received.get(all.get(1))).containsExactly(1L, 2L);
  }

  @Test
  void removingWhatIsNotThereChangesNothing() {
    List<Subscription> all = join(2);
    Subscription stranger = subscription();
    assertThat(subscribers.remove(stranger)).isFalse();
    assertThat(subscribers.remove(all.get(0))).isTrue();
    assertThat(subscribers.remove(all.get(0))).isFalse();
    assertThat(subscribers.size()).isEqualTo(1);
    assertThat(subscribers.offer(message(1))).isEqualTo(1);
  }

  @Test
  void aCrowdJoiningAndLeavingInAnyOrderKeepsTheRightSubscribers() {
    List<Subscription> all = join(10_000);
    List<Subscription> leaving = new ArrayList<>(all.subList(0, 9_000));
    Collections.shuffle(leaving, new Random(42));
    leaving.forEach(s -> assertThat(subscribers.remove(s)).isTrue());

    assertThat(subscribers.size()).isEqualTo(1_000);
    assertThat(subscribers.offer(message(1))).isEqualTo(1_000);
    all.subList(0, 9_000).forEach(s -> assertThat(received.get(s)).isEmpty());
    all.subList(9_000, 10_000).forEach(s -> assertThat(received.get(s)).containsExactly(1L));
    all.subList(9_000, 10_000).forEach(subscribers::remove);
    assertThat(subscribers.isEmpty()).isTrue();
  }

  @Test
  void pushesReachTheSameSubscribersAsMessages() {
    List<Subscription> all = join(3);
    List<Subscription> pushed = new ArrayList<>();
    all.forEach(s -> onPush.put(s, pushed::add));
    subscribers.remove(all.get(1));
    subscribers.push(Buffer.buffer("{\"type\":\"join\"}"));
    assertThat(pushed).containsExactlyInAnyOrder(all.get(0), all.get(2));
  }

  private List<Subscription> join(int n) {
    List<Subscription> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Subscription s = subscription();
      subscribers.add(s);
      all.add(s);
    }
    return all;
  }

  private Subscription subscription() {
    return subscription(0);
  }

  /** A live subscription (after offset {@code latest} of epoch "e") recording what it receives. */
  private Subscription subscription(long latest) {
    Subscription s = new Subscription("room", new SubscriptionSink() {
      @Override
      public void started(Subscription subscription, Long requestId, StreamPosition latest, Start how) {
      }

      @Override
      public boolean deliver(Subscription subscription, Message message, long skipped) {
        received.get(subscription).add(message.offset());
        onDelivery.getOrDefault(subscription, m -> { }).accept(message);
        return true;
      }

      @Override
      public void lost(Subscription subscription, StreamPosition latest) {
      }

      @Override
      public void push(Subscription subscription, Buffer frame) {
        onPush.getOrDefault(subscription, s -> { }).accept(subscription);
      }

      @Override
      public Connection connection() {
        return null; // overflow and outboundLimit are this sink's own
      }

      @Override
      public void overflow() {
      }

      @Override
      public int outboundLimit() {
        return Integer.MAX_VALUE;
      }
    }, null);
    received.put(s, new ArrayList<>());
    s.start(null, null, new HistoryPage("e", latest, latest + 1, List.of()));
    return s;
  }

  private static Message message(long offset) {
    return new Message("room", "e", offset, System.currentTimeMillis(), Buffer.buffer("{}"));
  }
}
