package io.herald.broker.impl;

import io.herald.core.Publication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A channel remembers the results of its last {@link RecentAppends#SIZE} appends by id, the oldest giving way. */
class RecentAppendsTest {

  @Test
  void theLastFewAreRememberedAndTheOldestGivesWay() {
    RecentAppends appends = new RecentAppends();
    for (long id = 1; id <= RecentAppends.SIZE + 1; id++) {
      appends.remember(id, Publication.of("e1", id * 10));
    }

    assertThat(appends.resultOf(1)).as("the oldest gave way").isNull();
    assertThat(appends.resultOf(2)).isEqualTo(Publication.of("e1", 20));
    assertThat(appends.resultOf(RecentAppends.SIZE + 1)).isEqualTo(Publication.of("e1", (RecentAppends.SIZE + 1) * 10L));
    assertThat(appends.entries()).extracting(RecentAppends.Entry::id).as("oldest first")
        .containsExactly(2L, 3L, 4L, 5L);
    assertThat(RecentAppends.restore(appends.entries()).entries()).isEqualTo(appends.entries());
  }

  @Test
  void nothingRememberedAnswersNothing() {
    RecentAppends appends = new RecentAppends();

    assertThat(appends.resultOf(0)).as("id 0 is not a remembered append").isNull();
    assertThat(appends.entries()).isEmpty();
  }
}
