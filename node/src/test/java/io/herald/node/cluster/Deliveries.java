package io.herald.node.cluster;

import io.herald.node.cluster.ContinuousPublisher.Progress;
import io.herald.node.cluster.RecoveringSubscriber.Snapshot;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The zero-loss check of the cluster tests that restart or kill nodes under continuous publishing. */
final class Deliveries {

  private Deliveries() {
  }

  /**
   * Once the publisher is done: every subscriber ends at the last offset, saw offsets 1..last exactly once
   * and in order (the ones missed while reconnecting replayed from history), and so holds every
   * acknowledged publish.
   */
  static void assertEveryAcknowledgedMessageDeliveredInOrder(ContinuousPublisher publisher, List<RecoveringSubscriber> subscribers) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> publisher.progress().done());
    Progress progress = publisher.progress();
    long last = progress.acknowledged().stream().mapToLong(Long::longValue).max().orElseThrow();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> subscribers.stream().allMatch(s -> s.snapshot().offsets().contains(last)));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not every subscriber reached offset " + last + ": " + subscribers.stream()
          .map(s -> summary(s.snapshot())).toList(), e);
    }
    for (RecoveringSubscriber s : subscribers) {
      Snapshot seen = s.snapshot();
      assertThat(seen.anomalies()).as("no gap, duplicate, epoch change or recovery failure").isEmpty();
      assertThat(seen.offsets()).startsWith(1L).containsAll(progress.acknowledged());
      assertThat(seen.offsets().subList(0, seen.offsets().indexOf(last) + 1))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
    }
    System.out.printf("published %d, acknowledged %d, failed %d; subscriber reconnections %s%n", progress.sent(),
        progress.acknowledged().size(), progress.failed(), subscribers.stream().map(s -> s.snapshot().connections() - 1).toList());
  }

  private static String summary(Snapshot seen) {
    List<Long> offsets = seen.offsets();
    return "{last offsets " + offsets.subList(Math.max(0, offsets.size() - 3), offsets.size()) + ", connections "
        + seen.connections() + ", closes " + seen.closeCodes() + ", anomalies " + seen.anomalies() + "}";
  }
}
