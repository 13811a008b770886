package io.herald.node.cli;

import io.herald.node.testing.NodeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.stream.LongStream;

import static io.herald.node.cli.Cli.url;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code herald sub} across connections the node keeps closing (4010): every offset once and in order. */
class SubReconnectTest {

  /** The node closes every connection with 4010 after about half a second: sub must come back each time. */
  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("ws.max_lifetime_ms", "500"));

  @Test
  void subPrintsEveryOffsetOnceAndInOrderAcrossReconnects() throws Exception {
    String epoch = node.http().publish("cli:lifetime", 0).getString("epoch");
    int rounds = 4;
    int perRound = 15;
    int total = rounds * perRound;
    Cli.Running sub = Cli.start("sub", "cli:lifetime", "--since", epoch + ":1", "--count", String.valueOf(total),
        "--url", url(node));
    // A round of publishes, then the next once sub has lost its connection again: messages arrive while it is away.
    int n = 0;
    for (int round = 1; round <= rounds; round++) {
      for (int k = 0; k < perRound; k++) {
        node.http().publish("cli:lifetime", ++n);
      }
      if (round < rounds) {
        sub.awaitErr("connection closed (4010", round);
      }
    }

    Cli.Ran ran = sub.result(30);
    assertThat(ran.exitCode()).as(ran.err()).isZero();
    assertThat(ran.lines()).extracting(m -> m.getLong("offset"))
        .containsExactlyElementsOf(LongStream.rangeClosed(2, total + 1).boxed().toList());
    assertThat(ran.err()).contains("connection closed (4010");
  }
}
