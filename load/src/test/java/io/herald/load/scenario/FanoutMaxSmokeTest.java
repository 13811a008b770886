package io.herald.load.scenario;

import io.herald.load.SmokeNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** fanout-max against a real node: two short steps on the same 20 subscribers, and the stop rule. */
class FanoutMaxSmokeTest {

  @RegisterExtension
  static final SmokeNode NODE = new SmokeNode();

  @TempDir
  Path dir;

  @Test
  void everyStepThatHoldsDeliversEverythingAndTheAnswerIsRateTimesSubscribers() throws Exception {
    // A bound no loopback run misses, so both steps hold whatever the machine's load: the test is the accounting.
    JsonObject r = NODE.run(dir.resolve("fanout.json"), "fanout-max", "--subscribers", "20", "--rates", "20,40",
        "--step-seconds", "0.5", "--p99-bound-ms", "60000");

    JsonArray steps = r.getJsonArray("steps");
    assertThat(steps).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonObject step = steps.getJsonObject(i);
      assertThat(step.getDouble("delivery_rate_pct")).isEqualTo(100.0);
      assertThat(step.getLong("missing") + step.getLong("duplicated") + step.getLong("out_of_order")).isZero();
      assertThat(step.getBoolean("held")).isTrue();
      assertThat(step.getDouble("offered_deliveries_s")).isEqualTo(20.0 * step.getDouble("rate_msg_s"));
    }
    assertThat(r.getDouble("highest_rate_held_msg_s")).isEqualTo(40.0);
    assertThat(r.getDouble("max_deliveries_s")).isEqualTo(800.0);
    // the figures of the step that held: 20 messages (40/s x 0.5 s) to each of 20 subscribers
    assertThat(r.getLong("subscribers")).isEqualTo(20);
    assertThat(r.getLong("expected")).isEqualTo(400);
    assertThat(r.getLong("delivered")).isEqualTo(400);
    assertThat(r.getDouble("delivery_rate_pct")).isEqualTo(100.0);
    assertThat(r.getLong("latency_count")).isEqualTo(400);
    assertThat(r.getJsonArray("heap_samples")).hasSize(3); // before the first step and after each
    assertThat(r.getJsonArray("latency_curve")).isNotEmpty();
  }

  @Test
  void theFirstStepOverTheBoundEndsTheRunAndNothingHeld() throws Exception {
    // No delivery takes 0 ms from its intended send time, so a bound of 0 fails the first step.
    JsonObject r = NODE.run(dir.resolve("stop.json"), "fanout-max", "--subscribers", "5", "--rates", "20,40,80",
        "--step-seconds", "0.25", "--p99-bound-ms", "0");

    assertThat(r.getJsonArray("steps")).hasSize(1);
    assertThat(r.getJsonArray("steps").getJsonObject(0).getBoolean("held")).isFalse();
    assertThat(r.getJsonArray("steps").getJsonObject(0).getDouble("delivery_rate_pct")).isEqualTo(100.0);
    assertThat(r.getDouble("highest_rate_held_msg_s")).isZero();
    assertThat(r.getDouble("max_deliveries_s")).isZero();
  }
}
