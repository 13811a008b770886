package io.herald.node.cli;

import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static io.herald.node.cli.Cli.herald;
import static io.herald.node.cli.Cli.heraldWithin;
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
    int total = 60;
    CompletableFuture<Cli.Ran> sub = CompletableFuture.supplyAsync(
        () -> herald("sub", "cli:lifetime", "--since", epoch + ":1", "--count", String.valueOf(total),
            "--url", url(node)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int n = 1; n <= total && !sub.isDone() && System.nanoTime() < deadline; n++) {
      node.http().publish("cli:lifetime", n);
      Thread.sleep(50); // paces the publisher over several lifetimes; not a synchronisation
    }

    Cli.Ran ran = sub.get(30, TimeUnit.SECONDS);
    assertThat(ran.exitCode()).as(ran.err()).isZero();
    assertThat(ran.lines()).extracting(m -> m.getLong("offset"))
        .containsExactlyElementsOf(LongStream.rangeClosed(2, total + 1).boxed().toList());
    assertThat(ran.err()).contains("connection closed (4010");
  }
}
