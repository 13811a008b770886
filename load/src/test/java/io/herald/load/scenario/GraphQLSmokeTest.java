package io.herald.load.scenario;

import io.herald.load.SmokeNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** graphql and graphql-hf against a real node: GraphQL subscriptions set up, every message delivered once. */
class GraphQLSmokeTest {

  @RegisterExtension
  static final SmokeNode NODE = new SmokeNode();

  @TempDir
  Path dir;

  @Test
  void fiveSubscriptionsTimesTenMessages() throws Exception {
    JsonObject r = NODE.run(dir.resolve("graphql.json"), "graphql", "--subscriptions", "5", "--messages", "10",
        "--rate", "50");

    assertExact(r, 5, 50);
    assertThat(r.getString("protocol")).isEqualTo("graphql");
    // every subscription's setup time was measured (connect to the replayed marker)
    assertThat(r.getLong("setup_count")).isEqualTo(5);
    assertThat(r.getDouble("setup_max_ms")).isPositive();
  }

  @Test
  void highFrequencyUpdates() throws Exception {
    JsonObject r = NODE.run(dir.resolve("hf.json"), "graphql-hf", "--subscriptions", "3", "--rate", "40",
        "--duration", "0.5");

    assertExact(r, 3, 60);
  }

  @Test
  void subscriptionsSpreadOverTwoClientProcesses() throws Exception {
    // Each child publishes its own marker for its subscriptions' replay; the parent's publisher sends the rest.
    JsonObject r = NODE.run(dir.resolve("processes.json"), "graphql-hf", "--subscriptions", "4", "--rate", "40",
        "--duration", "0.5", "--client-processes", "2");

    assertExact(r, 4, 80);
    assertThat(r.getInteger("client_processes")).isEqualTo(2);
    assertThat(r.getLong("setup_count")).isEqualTo(4);
    assertThat(r.getJsonArray("per_process").getJsonObject(1).getLong("delivered")).isEqualTo(40);
    assertThat(r.getDouble("client_cpu_us_per_delivery")).isPositive();
  }

  @Test
  void throughputTakesTheProtocolInAnyCase() throws Exception {
    JsonObject r = NODE.run(dir.resolve("tp.json"), "throughput", "--protocol", "graphql", "--subscribers", "2",
        "--rate", "20", "--duration", "0.5");

    assertExact(r, 2, 20);
  }

  private static void assertExact(JsonObject r, long subscribers, long deliveries) {
    assertThat(r.getLong("subscribers")).isEqualTo(subscribers);
    assertThat(r.getLong("expected")).isEqualTo(deliveries);
    assertThat(r.getLong("delivered")).isEqualTo(deliveries);
    assertThat(r.getDouble("delivery_rate_pct")).isEqualTo(100.0);
    assertThat(r.getLong("missing") + r.getLong("duplicated") + r.getLong("out_of_order")).isZero();
    assertThat(r.getLong("latency_count")).isEqualTo(deliveries);
    assertThat(r.getLong("connection_errors")).isZero();
  }
}
