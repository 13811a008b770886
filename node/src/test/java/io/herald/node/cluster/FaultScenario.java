package io.herald.node.cluster;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.node.cluster.ContinuousPublisher.Ack;
import io.herald.node.cluster.ContinuousPublisher.Progress;
import io.herald.node.cluster.MemberProbes.Stored;
import io.herald.node.cluster.RecoveringSubscriber.Seen;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The clients of one fault scenario of {@link ClusterFaultsIT} and what must hold when it is over. Fresh channels, each
 * owned (when the scenario starts) by a member the scenario names; on each channel a subscriber on every member, and
 * on each side of the fault a retrying publisher (idempotency keys; after a failure it moves to the next reachable
 * member) and a plain one pinned to one member of that side. Once the fault is healed: every acknowledged publish is in
 * history once, at its acknowledged position, on every member; no (epoch, offset) ever carried two different messages
 * (acknowledgements, history, subscribers); no subscriber saw a break in its sequence that no {@code recovery_failed} or
 * epoch change announced; a publish on each member reaches the subscribers on every member. What fails is kept as a
 * violation (the scenario goes on, so one run shows every failure) and asserted at the end.
 */
final class FaultScenario implements AutoCloseable {

  private static final long PUBLISH_INTERVAL_MS = 100;
  private static final int NO_LIMIT = 1_000_000;
  private static final Duration SETTLE = Duration.ofSeconds(20);
  private static final int EXAMPLES = 3;

  /** A publisher, the channel it publishes on and how it picks its member: pinned to one, or moving on after a failure. */
  private record Publisher(ContinuousPublisher client, String channel, String name, int member, boolean pinned) {
  }

  private final String name;
  private final Vertx vertx;
  private final NamespaceCluster cluster;
  private final MemberProbes probes;
  private final List<String> channels = new ArrayList<>();
  private final Map<String, List<RecoveringSubscriber>> subscribers = new LinkedHashMap<>();
  /** The member each subscriber connected to first, in the order of {@link #subscribers}. */
  private final Map<RecoveringSubscriber, Integer> subscribedOn = new LinkedHashMap<>();
  private final List<Publisher> publishers = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final Map<String, String> facts = new LinkedHashMap<>();
  private final AtomicInteger rotation = new AtomicInteger();

  /** {@code owners}: for each, one channel that member owns when the scenario starts. */
  FaultScenario(String name, Vertx vertx, NamespaceCluster cluster, MemberProbes probes, int... owners) {
    this.name = name;
    this.vertx = vertx;
    this.cluster = cluster;
    this.probes = probes;
    for (int owner : owners) {
      channels.add(channelOwnedBy(owner, name));
    }
  }

  /**
   * Subscribes on every member to every channel, starts the publishers of both sides, and waits until every
   * subscriber is subscribed and every publisher has been acknowledged a few times.
   */
  void startClients(List<Integer> oneSide, List<Integer> otherSide) {
    for (String channel : channels) {
      List<RecoveringSubscriber> onChannel = new ArrayList<>();
      for (int m = 1; m <= cluster.size(); m++) {
        RecoveringSubscriber s = new RecoveringSubscriber(vertx, channel, rotating(m), null);
        onChannel.add(s);
        subscribedOn.put(s, m);
      }
      subscribers.put(channel, onChannel);
    }
    subscribers.values().forEach(list -> list.forEach(RecoveringSubscriber::start));
    await("every subscriber subscribed", Duration.ofSeconds(30),
        () -> subscribedOn.keySet().stream().allMatch(s -> s.snapshot().subscribed()));
    for (String channel : channels) {
      for (List<Integer> side : List.of(oneSide, otherSide)) {
        int first = side.get(0);
        int last = side.get(side.size() - 1);
        addPublisher(channel, "retry" + first, first, false);
        addPublisher(channel, "plain" + last, last, true);
      }
    }
    publishers.forEach(p -> p.client().start());
    await("every publisher acknowledged", Duration.ofSeconds(30),
        () -> publishers.stream().allMatch(p -> p.client().progress().acks().size() >= 3));
  }

  private void addPublisher(String channel, String publisherName, int member, boolean pinned) {
    Supplier<SocketAddress> next = pinned ? () -> cluster.address(member) : rotating(member);
    ContinuousPublisher client = new ContinuousPublisher(vertx, channel, next, PUBLISH_INTERVAL_MS, NO_LIMIT, "", publisherName);
    publishers.add(new Publisher(pinned ? client : client.withRetries(), channel, publisherName, member, pinned));
  }

  /** Member {@code first} first, then, after each failure, the next member a client can reach. */
  private Supplier<SocketAddress> rotating(int first) {
    AtomicBoolean started = new AtomicBoolean();
    return () -> {
      if (started.compareAndSet(false, true)) {
        return cluster.address(first);
      }
      for (int i = 0; i < cluster.size(); i++) {
        int m = Math.floorMod(rotation.getAndIncrement(), cluster.size()) + 1;
        if (cluster.reachable(m)) {
          return cluster.address(m);
        }
      }
      return cluster.address(first);
    };
  }

  /** Acknowledgements so far of the publishers whose member is one of {@code members} (pinned or started there). */
  int acknowledgedOn(Set<Integer> members) {
    return publishers.stream().filter(p -> members.contains(p.member()))
        .mapToInt(p -> p.client().progress().acks().size()).sum();
  }

  /**
   * Keeps the fault for at least {@code atLeast}, and until the publishers of {@code progressOn} have been acknowledged
   * {@code acks} more times than when it began (the side that must go on does go on), up to {@code atMost};
   * {@code eachPoll} runs at every look (a check that must hold throughout).
   */
  void hold(Duration atLeast, Set<Integer> progressOn, int acks, Duration atMost, Runnable eachPoll) {
    long start = System.nanoTime();
    int before = acknowledgedOn(progressOn);
    await("members " + progressOn + " acknowledged " + acks + " publishes during the fault", atMost, () -> {
      eachPoll.run();
      return System.nanoTime() - start >= atLeast.toNanos() && acknowledgedOn(progressOn) - before >= acks;
    });
    fact("held", (System.nanoTime() - start) / 1_000_000 + " ms");
    fact("acknowledged on " + progressOn + " while held", Integer.toString(acknowledgedOn(progressOn) - before));
  }

  /**
   * Whether every member serves every channel's history now: after a heal, a member back from a pause refuses its
   * channels for a few seconds (SplitBrainGuard), and the cluster is whole only once that is over.
   */
  boolean servedByEveryMember() {
    return channels.stream().allMatch(c -> IntStream.rangeClosed(1, cluster.size()).allMatch(m -> probes.history(m, c) != null));
  }

  /**
   * After the heal: stops the publishers, publishes a marker on each member to each channel and waits for every
   * subscriber to get all of them and stand at the channel's latest offset, then checks history, forks and sequences.
   */
  void checkAfterHeal() {
    publishers.forEach(p -> p.client().stop());
    await("publishers finished their last request", SETTLE, () -> publishers.stream().allMatch(p -> p.client().progress().done()));
    deliveredFromEveryMember();
    Map<String, List<Stored>> histories = everyMembersHistory();
    acknowledgedPublishesInHistory(histories);
    noPositionTwice(histories);
    noSilentBreak();
  }

  /** (5) A publish on each member reaches the subscribers on every member, and every subscriber catches up. */
  private void deliveredFromEveryMember() {
    for (String channel : channels) {
      Set<String> markers = new TreeSet<>();
      for (int m = 1; m <= cluster.size(); m++) {
        String marker = new JsonObject().put("marker", name + "-" + m + "-" + UUID.randomUUID()).encode();
        Response r = probes.publish(m, channel, new JsonObject(marker));
        if (r == null || r.status() != 200) {
          violation("after the heal, member " + m + " did not acknowledge a publish on " + channel + ": "
              + (r == null ? "no answer" : r.status() + " " + r.body()));
        } else {
          markers.add(marker);
        }
      }
      if (markers.isEmpty()) {
        continue; // no member acknowledged one: nothing to wait for (the refusals are violations already)
      }
      try {
        Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(300)).until(() -> {
          JsonObject latest = probes.channel(1, channel);
          return latest != null && subscribers.get(channel).stream().map(RecoveringSubscriber::snapshot).allMatch(s ->
              s.messages().stream().map(Seen::data).collect(Collectors.toSet()).containsAll(markers)
                  && atLatest(s.messages(), latest));
        });
      } catch (ConditionTimeoutException e) {
        JsonObject latest = probes.channel(1, channel);
        for (RecoveringSubscriber s : subscribers.get(channel)) {
          List<Seen> seen = s.snapshot().messages();
          Set<String> missing = new TreeSet<>(markers);
          seen.stream().map(Seen::data).toList().forEach(missing::remove);
          if (!missing.isEmpty() || !atLatest(seen, latest)) {
            violation("subscriber first on member " + subscribedOn.get(s) + " of " + channel + ": " + missing.size()
                + " of the " + markers.size() + " after-heal publishes not delivered within " + SETTLE.toSeconds()
                + " s; last seen " + (seen.isEmpty() ? "nothing" : seen.get(seen.size() - 1)) + ", channel at " + latest
                + ", connections " + s.snapshot().connections());
          }
        }
      }
    }
  }

  private static boolean atLatest(List<Seen> seen, JsonObject latest) {
    if (seen.isEmpty() || latest == null) {
      return false;
    }
    Seen last = seen.get(seen.size() - 1);
    return last.epoch().equals(latest.getString("epoch")) && last.offset() == latest.getLong("offset");
  }

  /** Every member's history of every channel; members that serve different histories are a violation. */
  private Map<String, List<Stored>> everyMembersHistory() {
    Map<String, List<Stored>> histories = new LinkedHashMap<>();
    for (String channel : channels) {
      List<Stored> first = null;
      for (int m = 1; m <= cluster.size(); m++) {
        List<Stored> history = probes.history(m, channel);
        if (history == null) {
          violation("member " + m + " did not serve the history of " + channel);
        } else if (first == null) {
          first = history;
          histories.put(channel, history);
        } else if (!history.equals(first)) {
          violation("member " + m + " serves another history of " + channel + " than member 1: " + history.size()
              + " messages against " + first.size());
        }
      }
    }
    return histories;
  }

  /** (1) Each acknowledged publish is in history once, at the epoch and offset it was acknowledged with. */
  private void acknowledgedPublishesInHistory(Map<String, List<Stored>> histories) {
    for (String channel : channels) {
      List<Stored> history = histories.getOrDefault(channel, List.of());
      Map<String, List<Stored>> byData = history.stream().collect(Collectors.groupingBy(Stored::data));
      byData.values().stream().filter(copies -> copies.size() > 1).limit(EXAMPLES)
          .forEach(copies -> violation(channel + ": one message in history " + copies.size() + " times: " + copies));
      for (Publisher p : publishers) {
        if (!p.channel().equals(channel)) {
          continue;
        }
        List<String> lost = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        for (Ack ack : p.client().progress().acks()) {
          List<Stored> copies = byData.getOrDefault(p.client().data(ack.i()).encode(), List.of());
          if (copies.isEmpty()) {
            lost.add(ack.toString());
          } else if (copies.stream().noneMatch(c -> c.epoch().equals(ack.epoch()) && c.offset() == ack.offset())) {
            moved.add(ack + " is at " + copies);
          }
        }
        if (!lost.isEmpty()) {
          violation(p.name() + " on " + channel + ": " + lost.size() + " acknowledged publishes not in history, e.g. "
              + lost.subList(0, Math.min(EXAMPLES, lost.size())));
        }
        if (!moved.isEmpty()) {
          violation(p.name() + " on " + channel + ": " + moved.size() + " acknowledged publishes elsewhere in history, e.g. "
              + moved.subList(0, Math.min(EXAMPLES, moved.size())));
        }
      }
    }
  }

  /** (2) No (channel, epoch, offset) carried two different messages: in acknowledgements, histories or deliveries. */
  private void noPositionTwice(Map<String, List<Stored>> histories) {
    Map<String, Set<String>> seenAt = new TreeMap<>();
    histories.forEach((channel, history) -> history.forEach(s -> record(seenAt, channel, s.epoch(), s.offset(), s.data())));
    for (Publisher p : publishers) {
      for (Ack ack : p.client().progress().acks()) {
        record(seenAt, p.channel(), ack.epoch(), ack.offset(), p.client().data(ack.i()).encode());
      }
    }
    subscribers.forEach((channel, list) -> list.forEach(s -> s.snapshot().messages()
        .forEach(m -> record(seenAt, channel, m.epoch(), m.offset(), m.data()))));
    List<String> forks = seenAt.entrySet().stream().filter(e -> e.getValue().size() > 1)
        .map(e -> e.getKey() + " carried " + e.getValue()).toList();
    if (!forks.isEmpty()) {
      violation(forks.size() + " positions carried two different messages (a fork), e.g. " + forks.subList(0, Math.min(EXAMPLES, forks.size())));
    }
  }

  private static void record(Map<String, Set<String>> seenAt, String channel, String epoch, long offset, String data) {
    seenAt.computeIfAbsent(channel + " " + epoch + ":" + offset, k -> new TreeSet<>()).add(data);
  }

  /** (3) Every subscriber's sequence is gapless and in order, but where a recovery_failed or an epoch change said so. */
  private void noSilentBreak() {
    subscribedOn.forEach((s, member) -> {
      List<String> breaks = s.snapshot().silentBreaks();
      if (!breaks.isEmpty()) {
        violation("subscriber first on member " + member + ": " + breaks.size() + " breaks without recovery_failed or epoch change, e.g. "
            + breaks.subList(0, Math.min(EXAMPLES, breaks.size())));
      }
    });
  }

  /** Waits up to {@code atMost} for {@code condition}; a timeout is a violation, and the scenario goes on. */
  boolean await(String what, Duration atMost, BooleanSupplier condition) {
    try {
      Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(250)).until(condition::getAsBoolean);
      return true;
    } catch (ConditionTimeoutException e) {
      violation("not within " + atMost.toSeconds() + " s: " + what);
      return false;
    }
  }

  void violation(String what) {
    violations.add(what);
    System.out.println("faults " + name + ": VIOLATION " + what);
  }

  String name() {
    return name;
  }

  /** A number or observation for the scenario's summary line. */
  void fact(String key, String value) {
    facts.put(key, value);
  }

  /** The scenario's one summary line: publishes, refusals, subscribers' recoveries, the facts, and the verdict. */
  String summary() {
    int sent = 0;
    int acked = 0;
    int duplicates = 0;
    Map<String, Integer> failures = new TreeMap<>();
    for (Publisher p : publishers) {
      Progress progress = p.client().progress();
      sent += progress.sent();
      acked += progress.acks().size();
      duplicates += progress.duplicates();
      progress.failures().forEach((why, n) -> failures.merge(why, n, Integer::sum));
    }
    int recoveryFailed = 0;
    int epochChanges = 0;
    int reconnections = 0;
    for (RecoveringSubscriber s : subscribedOn.keySet()) {
      RecoveringSubscriber.Snapshot snapshot = s.snapshot();
      recoveryFailed += (int) snapshot.anomalies().stream().filter(a -> a.contains("recovery_failed")).count();
      epochChanges += (int) snapshot.anomalies().stream().filter(a -> a.startsWith("epoch changed")).count();
      reconnections += Math.max(0, snapshot.connections() - 1);
    }
    return String.format("faults %s: published %d, acknowledged %d (%d duplicate), attempts refused or failed %s; subscribers: %d"
            + " reconnections, %d recovery_failed, %d epoch changes; %s; %s", name, sent, acked, duplicates, failures,
        reconnections, recoveryFailed, epochChanges, facts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", ")), violations.isEmpty() ? "OK" : violations.size() + " VIOLATIONS");
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  /**
   * A fresh channel {@code faults:<kind>:...} whose owner is member {@code m} now, as the channel route says. Just
   * after the cluster formed its partitions are still moving and the route may not answer yet: tried for up to 60 s.
   */
  String channelOwnedBy(int member, String kind) {
    String owner = cluster.node(member).nodeId();
    String[] found = {null};
    List<String> answers = new ArrayList<>();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
        String channel = "faults:" + kind + ":" + UUID.randomUUID();
        Response route = probes.channelRoute(1, channel);
        JsonObject state = route == null || route.status() != 200 ? null : route.json();
        if (answers.size() < 5) {
          answers.add(route == null ? "no answer" : route.status() + " " + route.body());
        }
        if (state != null && owner.equals(state.getString("owner"))) {
          found[0] = channel;
        }
        return found[0] != null;
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no channel owned by member " + member + " (" + owner + ") within 60 s; the route said "
          + answers, e);
    }
    return found[0];
  }

  @Override
  public void close() {
    publishers.forEach(p -> p.client().stop());
    subscribedOn.keySet().forEach(RecoveringSubscriber::stop);
  }
}
