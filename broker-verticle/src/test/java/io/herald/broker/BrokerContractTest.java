package io.herald.broker;

import io.herald.core.Addresses;
import io.herald.core.Broker;
import io.herald.core.ChannelInfo;
import io.herald.core.ClientInfo;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.Presence;
import io.herald.core.PublishOutcome;
import io.herald.core.PublishRequest;
import io.herald.core.StreamPosition;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link Broker} (sequencing, delivery on the channel address, history) and of
 * {@link Presence}, as gateways rely on it. Every implementation runs it: a subclass brings up a
 * Vert.x instance with its broker for {@link #config()} in {@link #startBroker} and tears it down in
 * {@link #stopBroker}. The broker is started once per class; each test uses channels of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrokerContractTest {

  /** A namespace whose channels keep only {@value #SMALL_HISTORY} messages. */
  protected static final String SMALL = "small";
  protected static final int SMALL_HISTORY = 5;
  protected static final long TIMEOUT_S = 10;

  private static final AtomicInteger CHANNELS = new AtomicInteger();
  private String testName;

  /**
   * The configuration the broker under test must honour: several sequencer shards and the
   * {@value #SMALL} namespace.
   */
  protected HeraldConfig config() {
    return HeraldConfig.load(new JsonObject(), Map.of(), Map.of(HeraldConfig.BROKER_SHARDS.key(), "4"))
        .withNamespaces(new JsonObject().put(SMALL, new JsonObject().put("history_size", SMALL_HISTORY)));
  }

  /** Starts Vert.x with the broker (and presence) for {@code config}; returns once it serves requests. */
  protected abstract void startBroker(HeraldConfig config) throws Exception;

  /** Stops what {@link #startBroker} started. */
  protected abstract void stopBroker() throws Exception;

  /** The Vert.x instance on whose event bus the channel addresses are published. */
  protected abstract Vertx vertx();

  protected abstract Broker broker();

  protected abstract Presence presence();

  @BeforeAll
  void setUpBroker() throws Exception {
    startBroker(config());
  }

  @AfterAll
  void tearDownBroker() throws Exception {
    stopBroker();
  }

  @BeforeEach
  void rememberTest(TestInfo info) {
    testName = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
  }

  // ---- sequencing ----

  @Test
  void aNewChannelIsAtOffsetZeroAndItsFirstMessageGetsOffsetOne() {
    String c = channel();

    StreamPosition start = await(broker().position(c));
    StreamPosition first = await(broker().publish(c, data(1)));

    assertThat(start.offset()).isZero();
    assertThat(start.epoch()).isNotEmpty();
    assertThat(first.offset()).isEqualTo(1);
    assertThat(await(broker().position(c))).isEqualTo(first);
  }

  @Test
  void readingAnUnknownChannelCreatesNothing() {
    String c = channel();

    StreamPosition start = await(broker().position(c));
    await(broker().history(HistoryQuery.latest(c, 10)));
    StreamPosition first = await(broker().publish(c, data(1)));

    assertThat(first.epoch()).as("the channel starts with its first publish, not with the reads")
        .isNotEqualTo(start.epoch());
  }

  @Test
  void aChannelTheCallerMayNotCreateIsRefusedUnlessItExists() {
    String c = channel();

    assertThatThrownBy(() -> await(broker().publish(c, data(1), false)))
        .hasRootCauseInstanceOf(HeraldException.class).rootCause()
        .extracting(t -> ((HeraldException) t).code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThatThrownBy(() -> await(broker().watch(c, false)))
        .hasRootCauseInstanceOf(HeraldException.class);
    broker().unwatch(c);
    StreamPosition created = await(broker().publish(c, data(1), true));
    assertThat(await(broker().publish(c, data(2), false))).isEqualTo(new StreamPosition(created.epoch(), 2));
    await(broker().watch(c, false));
    broker().unwatch(c);
  }

  @Test
  void offsetsAreGaplessUnderManyConcurrentPublishes() throws Exception {
    String c = channel();
    int threads = 4;
    int perThread = 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<StreamPosition>> published = new CopyOnWriteArrayList<>();
    try {
      List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        submitted.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            published.add(broker().publish(c, data(i)));
          }
        }));
      }
      for (java.util.concurrent.Future<?> s : submitted) {
        s.get(TIMEOUT_S, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    await(Future.all(published));

    List<Long> offsets = published.stream().map(f -> f.result().offset()).sorted().toList();
    assertThat(offsets).containsExactlyElementsOf(LongStream.rangeClosed(1, threads * perThread).boxed().toList());
    assertThat(published.stream().map(f -> f.result().epoch()).distinct()).hasSize(1);
  }

  @Test
  void channelsAreSequencedIndependently() {
    String a = channel();
    String b = channel();
    List<Future<StreamPosition>> onA = new ArrayList<>();
    List<Future<StreamPosition>> onB = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      onA.add(broker().publish(a, data(i)));
      onB.add(broker().publish(b, data(i)));
      onB.add(broker().publish(b, data(i)));
    }
    await(Future.all(onA));
    await(Future.all(onB));

    assertThat(onA.stream().map(f -> f.result().offset()).sorted().toList())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
    assertThat(onB.stream().map(f -> f.result().offset()).sorted().toList())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
    assertThat(await(broker().position(a)).offset()).isEqualTo(50);
    assertThat(await(broker().position(b)).offset()).isEqualTo(100);
  }

  @Test
  void positionReflectsEveryPublishRequestedBeforeIt() {
    String c = channel();
    for (int round = 1; round <= 5; round++) {
      // Requested from one Vert.x context, the way a gateway requests them, without waiting for replies.
      Promise<StreamPosition> position = Promise.promise();
      vertx().runOnContext(v -> {
        for (int i = 0; i < 20; i++) {
          broker().publish(c, data(i));
        }
        broker().position(c).onComplete(position);
      });

      StreamPosition p = await(position.future());

      assertThat(p.offset()).isEqualTo(round * 20L);
    }
  }

  @Test
  void historyReadReflectsEveryPublishRequestedBeforeIt() {
    String c = channel();
    Promise<HistoryPage> page = Promise.promise();
    vertx().runOnContext(v -> {
      for (int i = 1; i <= 10; i++) {
        broker().publish(c, data(i));
      }
      broker().history(HistoryQuery.latest(c, 100)).onComplete(page);
    });

    HistoryPage read = await(page.future());

    assertThat(read.latest()).isEqualTo(10);
    assertThat(offsets(read.messages())).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
  }

  // ---- delivery on the channel address ----

  @Test
  void aConsumerRegisteredBeforePositionReceivesEveryLaterMessageInOrderExactlyOnce() {
    String c = channel();
    // Some publishes are still in flight while the consumer registers and the position is read.
    List<Future<StreamPosition>> published = publishMany(c, 0, 30);
    List<Message> received = new CopyOnWriteArrayList<>();
    MessageConsumer<Message> consumer = vertx().eventBus().localConsumer(Addresses.channel(c), m -> received.add(m.body()));
    try {
      await(consumer.completion());
      await(broker().watch(c));
      StreamPosition position = await(broker().position(c));
      published.addAll(publishMany(c, 30, 100));
      await(Future.all(published));
      Map<Long, Buffer> sent = new HashMap<>();
      for (int i = 0; i < published.size(); i++) {
        sent.put(published.get(i).result().offset(), data(i));
      }

      Awaitility.await().atMost(Duration.ofSeconds(TIMEOUT_S))
          .until(() -> !received.isEmpty() && received.get(received.size() - 1).offset() == 100);

      List<Long> offsets = offsets(received);
      long first = offsets.get(0);
      assertThat(first).as("nothing after the position is missing").isLessThanOrEqualTo(position.offset() + 1);
      assertThat(offsets).as("in order, exactly once")
          .containsExactlyElementsOf(LongStream.rangeClosed(first, 100).boxed().toList());
      assertThat(received).allSatisfy(m -> {
        assertThat(m.channel()).isEqualTo(c);
        assertThat(m.epoch()).isEqualTo(position.epoch());
        assertThat(m.data()).isEqualTo(sent.get(m.offset()));
      });
    } finally {
      broker().unwatch(c);
      consumer.unregister();
    }
  }

  @Test
  void messagesPublishedTogetherGetConsecutiveOffsetsAmongSinglePublishesAndArriveInThatOrder() {
    String c = channel();
    whileWatching(c, received -> {
      // Requested back to back, so the sequencer appends them in one batch: each request's run must stay whole.
      Future<StreamPosition> single = broker().publish(c, data(0));
      Future<StreamPosition> three = broker().publish(c, List.of(data(1), data(2), data(3)), true);
      Future<StreamPosition> after = broker().publish(c, data(4));
      Future<StreamPosition> two = broker().publish(c, List.of(data(5), data(6)), true);
      await(Future.all(single, three, after, two));

      assertThat(List.of(single.result().offset(), three.result().offset(), after.result().offset(), two.result().offset()))
          .containsExactly(1L, 2L, 5L, 6L);
      Awaitility.await().atMost(Duration.ofSeconds(TIMEOUT_S)).until(() -> received.size() == 7);
      assertThat(offsets(received)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
      assertThat(received).extracting(Message::data).containsExactly(data(0), data(1), data(2), data(3), data(4), data(5), data(6));
    });
  }

  @Test
  void aPublishToManyChannelsSequencesEachAsAloneAndRefusesOnlyItsOwn() {
    List<String> channels = java.util.stream.IntStream.range(0, 12).mapToObj(i -> channel() + "-" + i).toList();
    await(broker().publish(channels.get(0), data(0)));
    String unknown = channel() + "-unknown";
    List<PublishRequest> requests = new ArrayList<>();
    channels.forEach(c -> requests.add(new PublishRequest(c, List.of(data(1), data(2)))));
    requests.add(new PublishRequest(unknown, data(1)));

    List<PublishOutcome> created = await(broker().publishAll(requests.subList(0, channels.size()), true));
    List<PublishOutcome> refused = await(broker().publishAll(requests, false));

    assertThat(created).extracting(o -> o.publication().firstOffset())
        .as("the first channel had a message already").containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, channels.size()).mapToObj(i -> i == 0 ? 2L : 1L).toList());
    assertThat(refused.subList(0, channels.size())).extracting(o -> o.publication().firstOffset())
        .as("existing channels may be published to without creating").containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, channels.size()).mapToObj(i -> i == 0 ? 4L : 3L).toList());
    assertThat(refused.get(channels.size()).error().code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(offsets(await(broker().history(HistoryQuery.latest(channels.get(5), 10))).messages())).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aRefusedPublishOfSeveralMessagesAppendsNoneOfThem() {
    String c = channel();

    assertThatThrownBy(() -> await(broker().publish(c, List.of(data(1), data(2)), false)))
        .hasRootCauseInstanceOf(HeraldException.class);
    StreamPosition created = await(broker().publish(c, data(3)));

    assertThat(created.offset()).isEqualTo(1);
    assertThat(offsets(await(broker().history(HistoryQuery.latest(c, 10))).messages())).containsExactly(1L);
  }

  @Test
  void deliveredMessagesCarryTheDataAsPublished() {
    String c = channel();
    whileWatching(c, received -> {
      Buffer data = Buffer.buffer("{\"text\":\"héllo 世界\",\"n\":[1,2.5,null]}");
      StreamPosition p = await(broker().publish(c, data));

      Awaitility.await().atMost(Duration.ofSeconds(TIMEOUT_S)).until(() -> received.size() == 1);

      Message m = received.get(0);
      assertThat(m.offset()).isEqualTo(p.offset());
      assertThat(m.epoch()).isEqualTo(p.epoch());
      assertThat(m.data().getBytes()).isEqualTo(data.getBytes());
      assertThat(m.ts()).isPositive();
    });
  }

  /** Runs {@code test} with the messages this node receives on {@code c}'s address while it watches the channel. */
  private void whileWatching(String c, java.util.function.Consumer<List<Message>> test) {
    List<Message> received = new CopyOnWriteArrayList<>();
    MessageConsumer<Message> consumer = vertx().eventBus().localConsumer(Addresses.channel(c), m -> received.add(m.body()));
    try {
      await(consumer.completion());
      await(broker().watch(c));
      test.accept(received);
    } finally {
      broker().unwatch(c);
      consumer.unregister();
    }
  }

  @Test
  void aNodeReceivesAChannelOnlyWhileItWatchesIt() {
    String c = channel();
    List<Object> received = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> consumer = vertx().eventBus().localConsumer(Addresses.channel(c), m -> received.add(m.body()));
    try {
      await(consumer.completion());
      await(broker().publish(c, data(1)));
      await(broker().watch(c));
      await(broker().watch(c));
      broker().unwatch(c);
      await(broker().publish(c, data(2)));
      broker().unwatch(c);
      await(broker().position(c)); // the unwatch went ahead of it
      await(broker().publish(c, data(3)));
      await(broker().watch(c));
      await(broker().publish(c, data(4)));

      Awaitility.await().atMost(Duration.ofSeconds(TIMEOUT_S))
          .until(() -> received.stream().anyMatch(m -> m instanceof Message msg && msg.offset() == 4));

      assertThat(received).as("watched twice, unwatched once: still watching; then not until watched again")
          .map(m -> ((Message) m).offset()).containsExactly(2L, 4L);
    } finally {
      broker().unwatch(c);
      consumer.unregister();
    }
  }

  @Test
  void pushReachesTheNodesWatchingTheChannel() {
    String c = channel();
    List<Object> received = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> consumer = vertx().eventBus().localConsumer(Addresses.channel(c), m -> received.add(m.body()));
    try {
      await(consumer.completion());
      await(broker().watch(c));
      Buffer frame = Buffer.buffer("{\"type\":\"join\"}");

      await(broker().push(c, frame));

      Awaitility.await().atMost(Duration.ofSeconds(TIMEOUT_S)).until(() -> received.size() == 1);
      assertThat(received).containsExactly(frame);
    } finally {
      broker().unwatch(c);
      consumer.unregister();
    }
  }

  // ---- history ----

  @Test
  void historyOfAnUnknownChannelIsEmptyAtOffsetZero() {
    String c = channel();

    HistoryPage page = await(broker().history(HistoryQuery.latest(c, 10)));

    assertThat(page.messages()).isEmpty();
    assertThat(page.latest()).isZero();
    assertThat(page.earliest()).isEqualTo(1);
    assertThat(page.covers(page.epoch(), 0)).isTrue();
  }

  @Test
  void historyReturnsMessagesInOrderAfterAnOffsetUpToTheLimit() {
    String c = channel();
    String epoch = publishSequentially(c, 10);

    HistoryPage page = await(broker().history(new HistoryQuery(c, 3, 4)));

    assertThat(offsets(page.messages())).containsExactly(4L, 5L, 6L, 7L);
    assertThat(page.messages()).allSatisfy(m -> {
      assertThat(m.channel()).isEqualTo(c);
      assertThat(m.epoch()).isEqualTo(epoch);
      assertThat(m.data()).isEqualTo(data(m.offset()));
    });
    assertThat(page.epoch()).isEqualTo(epoch);
    assertThat(page.latest()).isEqualTo(10);
    assertThat(page.earliest()).isEqualTo(1);
    assertThat(offsets(await(broker().history(new HistoryQuery(c, 0, 100))).messages()))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
    assertThat(await(broker().history(new HistoryQuery(c, 10, 100))).messages()).isEmpty();
    assertThat(await(broker().history(new HistoryQuery(c, 25, 100))).messages()).isEmpty();
  }

  @Test
  void latestReturnsTheNewestMessagesOldestFirst() {
    String c = channel();
    publishSequentially(c, 10);

    assertThat(offsets(await(broker().history(HistoryQuery.latest(c, 3))).messages())).containsExactly(8L, 9L, 10L);
    assertThat(offsets(await(broker().history(HistoryQuery.latest(c, 100))).messages()))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
    assertThat(await(broker().history(HistoryQuery.latest(c, 0))).messages()).isEmpty();
  }

  @Test
  void coversTellsWhetherHistoryHoldsEverythingAfterAPosition() {
    String c = channel();
    String epoch = publishSequentially(c, 10);

    HistoryPage page = await(broker().history(new HistoryQuery(c, 0, 100)));

    assertThat(page.covers(epoch, 0)).isTrue();
    assertThat(page.covers(epoch, 5)).isTrue();
    assertThat(page.covers(epoch, 10)).as("nothing missed").isTrue();
    assertThat(page.covers(epoch, 11)).as("beyond the latest offset").isFalse();
    assertThat(page.covers(epoch + "x", 5)).as("another epoch").isFalse();
    assertThat(page.covers(epoch + "x", 0)).as("offset 0 saw nothing of any epoch: all of this one continues it").isTrue();
  }

  @Test
  void historyIsBoundedByTheNamespaceHistorySize() {
    String c = SMALL + ":" + channel();
    String epoch = publishSequentially(c, SMALL_HISTORY + 3);

    HistoryPage page = await(broker().history(new HistoryQuery(c, 0, 100)));

    assertThat(offsets(page.messages())).containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(page.latest()).isEqualTo(8);
    assertThat(page.earliest()).isEqualTo(4);
    assertThat(page.covers(epoch, 3)).isTrue();
    assertThat(page.covers(epoch, 2)).as("message 3 is gone").isFalse();
    assertThat(page.covers(epoch, 0)).isFalse();
    assertThat(offsets(await(broker().history(HistoryQuery.latest(c, 100))).messages())).containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(offsets(await(broker().history(new HistoryQuery(c, 5, 2))).messages())).containsExactly(6L, 7L);
  }

  @Test
  void otherNamespacesKeepTheDefaultHistorySize() {
    String c = "big:" + channel();
    publishSequentially(c, SMALL_HISTORY + 3);

    assertThat(await(broker().history(new HistoryQuery(c, 0, 100))).messages()).hasSize(SMALL_HISTORY + 3);
  }

  // ---- presence ----

  @Test
  void presenceTracksClientsPerChannel() {
    String c = channel();
    ClientInfo alice = new ClientInfo("c-alice", "alice", "node-1", "{\"name\":\"Alice\"}");
    ClientInfo anonymous = new ClientInfo("c-anon", null, "node-2");

    await(presence().add(c, alice));
    await(presence().add(c, anonymous));
    await(presence().add(c, alice));
    assertThat(await(presence().clients(c))).containsExactlyInAnyOrder(alice, anonymous);

    await(presence().remove(c, "c-alice"));
    assertThat(await(presence().clients(c))).containsExactly(anonymous);

    await(presence().remove(c, "c-unknown"));
    await(presence().remove(c, "c-anon"));
    assertThat(await(presence().clients(c))).isEmpty();
    assertThat(await(presence().clients(channel()))).isEmpty();
  }

  @Test
  void channelsListsOccupiedChannelsByPrefixWithSubscriberCounts() {
    String prefix = channel() + "-";
    String one = prefix + "one";
    String two = prefix + "two";
    String other = channel();
    await(presence().add(one, new ClientInfo("a", null, "n")));
    await(presence().add(one, new ClientInfo("b", "u", "n")));
    await(presence().add(two, new ClientInfo("a", null, "n")));
    await(presence().add(other, new ClientInfo("a", null, "n")));

    assertThat(await(presence().channels(prefix)))
        .containsExactlyInAnyOrder(new ChannelInfo(one, 2), new ChannelInfo(two, 1));
    assertThat(await(presence().channels(prefix + "one"))).containsExactly(new ChannelInfo(one, 2));
    assertThat(await(presence().channels(""))).contains(new ChannelInfo(one, 2), new ChannelInfo(two, 1),
        new ChannelInfo(other, 1));

    await(presence().remove(two, "a"));
    await(presence().remove(one, "b"));
    assertThat(await(presence().channels(prefix))).containsExactly(new ChannelInfo(one, 1));
    assertThat(await(presence().channels("")).stream().map(ChannelInfo::name)).doesNotContain(two);
    await(presence().remove(one, "a"));
    await(presence().remove(other, "a"));
    assertThat(await(presence().channels(prefix))).isEmpty();
  }

  // ---- helpers ----

  /** A channel name no other test uses. */
  protected String channel() {
    return testName + "-" + CHANNELS.incrementAndGet();
  }

  protected static Buffer data(long n) {
    return Buffer.buffer("{\"n\":" + n + "}");
  }

  /** Publishes {@code count} messages one after the other ({@code data(1..count)}); returns the epoch. */
  protected String publishSequentially(String channel, int count) {
    String epoch = null;
    for (int i = 1; i <= count; i++) {
      StreamPosition p = await(broker().publish(channel, data(i)));
      assertThat(p.offset()).isEqualTo(i);
      epoch = p.epoch();
    }
    return epoch;
  }

  private List<Future<StreamPosition>> publishMany(String channel, int from, int to) {
    List<Future<StreamPosition>> published = new ArrayList<>();
    for (int i = from; i < to; i++) {
      published.add(broker().publish(channel, data(i)));
    }
    return published;
  }

  protected static List<Long> offsets(List<Message> messages) {
    return messages.stream().map(Message::offset).toList();
  }

  protected static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no result within " + TIMEOUT_S + " s", e);
    }
  }
}
