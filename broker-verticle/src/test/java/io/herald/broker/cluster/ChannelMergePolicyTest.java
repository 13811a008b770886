package io.herald.broker.cluster;

import io.herald.broker.impl.ChannelLog;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The copy of a channel that survives when the halves of a split cluster merge (smaller into larger). */
class ChannelMergePolicyTest {

  private static final long NOW = 1_000_000;

  @Test
  void theLargerHalfsCopyWinsWhenItCarriesTheSmallerOnAndBothSidesWatchersStay() {
    ChannelLog smaller = log("E", "a", "b");
    ChannelLog larger = log("E", "a", "b", "c");
    smaller.watch("minority-node", true);
    larger.watch("majority-node", true);

    ChannelLog merged = ChannelMergePolicy.merge(smaller, larger);

    assertThat(merged).isSameAs(larger);
    assertThat(merged.position().offset()).isEqualTo(3);
    assertThat(merged.watchers()).containsExactlyInAnyOrder("minority-node", "majority-node");
  }

  @Test
  void theSmallerHalfsCopyWinsWhenItWentFurtherWithoutAFork() {
    ChannelLog smaller = log("E", "a", "b", "c");
    ChannelLog larger = log("E", "a", "b");
    larger.watch("majority-node", true);

    ChannelLog merged = ChannelMergePolicy.merge(smaller, larger);

    assertThat(merged).isSameAs(smaller);
    assertThat(merged.watchers()).containsExactly("majority-node");
  }

  @Test
  void aForkKeepsTheLargerHalfsMessagesUnderANewEpochSoNoClientResumesAcrossIt() {
    ChannelLog smaller = log("E", "a", "b", "x");
    ChannelLog larger = log("E", "a", "b", "y", "z");

    ChannelLog merged = ChannelMergePolicy.merge(smaller, larger);

    assertThat(merged.position().epoch()).isNotEqualTo("E");
    assertThat(merged.position().offset()).isEqualTo(4);
    HistoryPage page = merged.read(new HistoryQuery("ch", 0, 100), NOW);
    assertThat(page.messages()).extracting(m -> m.data().toString()).containsExactly("a", "b", "y", "z");
    assertThat(page.messages()).extracting(Message::epoch).containsOnly(merged.position().epoch());
    assertThat(page.covers("E", 2)).isFalse();
  }

  @Test
  void aForkAtTheSameLengthIsAForkToo() {
    ChannelLog merged = ChannelMergePolicy.merge(log("E", "a", "x"), log("E", "a", "y"));

    assertThat(merged.position().epoch()).isNotEqualTo("E");
    assertThat(merged.position().offset()).isEqualTo(2);
  }

  @Test
  void identicalCopiesAreOneLine() {
    ChannelLog larger = log("E", "a", "b");

    assertThat(ChannelMergePolicy.merge(log("E", "a", "b"), larger)).isSameAs(larger);
  }

  @Test
  void copiesOfDifferentEpochsKeepTheLargerHalfs() {
    ChannelLog larger = log("F", "p");

    ChannelLog merged = ChannelMergePolicy.merge(log("E", "a", "b"), larger);

    assertThat(merged).isSameAs(larger);
    assertThat(merged.position().epoch()).isEqualTo("F");
  }

  @Test
  void withAQuorumTheSmallerHalfsTailIsKeptWhenTheLargerHalfDidNotMoveOn() {
    ChannelLog smaller = log("E", "a", "b", "answered unavailable");
    ChannelLog larger = log("E", "a", "b");
    larger.watch("majority-node", true);

    ChannelLog merged = ChannelMergePolicy.mergeWithQuorum(smaller, larger);

    assertThat(merged).isSameAs(smaller);
    assertThat(merged.position().offset()).isEqualTo(3);
    assertThat(merged.watchers()).containsExactly("majority-node");
  }

  @Test
  void withAQuorumAForkKeepsTheLargerHalfsCopyInItsEpoch() {
    ChannelLog smaller = log("E", "a", "b", "refused");
    ChannelLog larger = log("E", "a", "b", "acknowledged", "then this");
    smaller.watch("minority-node", true);

    ChannelLog merged = ChannelMergePolicy.mergeWithQuorum(smaller, larger);

    assertThat(merged).isSameAs(larger);
    assertThat(merged.position().epoch()).isEqualTo("E");
    assertThat(merged.position().offset()).isEqualTo(4);
    assertThat(merged.watchers()).containsExactly("minority-node");
  }

  @Test
  void withAQuorumIdenticalCopiesKeepTheLargerHalfs() {
    ChannelLog smaller = log("E", "a", "b");
    ChannelLog larger = log("E", "a", "b");

    assertThat(ChannelMergePolicy.mergeWithQuorum(smaller, larger)).isSameAs(larger);
  }

  /** A channel of epoch {@code epoch} holding {@code data} at offsets 1..n, all sequenced at {@link #NOW}. */
  private static ChannelLog log(String epoch, String... data) {
    ChannelLog log = new ChannelLog("ch", epoch, 100, 60_000, NOW);
    for (String d : data) {
      log.append(List.of(Buffer.buffer(d)), NOW);
    }
    return log;
  }
}
