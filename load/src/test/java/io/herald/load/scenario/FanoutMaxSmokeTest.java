package io.herald.load.scenario;

import io.herald.load.SmokeNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fanout-max against a real node: two short steps on the same 20 subscribers, the stop rule, and the subscribers
 * held by two client processes (child JVMs of the tool) whose counts the run adds up.
 */
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

  @Test
  void twoClientProcessesDeliverEverythingAndTheFiguresAreTheSumOfTheirs() throws Exception {
    // The node runs in this JVM: --server-pid is this process (so server and client CPU overlap here).
    JsonObject r = NODE.run(dir.resolve("processes.json"), "fanout-max", "--subscribers", "20", "--rates", "20,40",
        "--step-seconds", "0.5", "--p99-bound-ms", "60000", "--client-processes", "2",
        "--server-pid", String.valueOf(ProcessHandle.current().pid()));

    assertThat(r.getInteger("client_processes")).isEqualTo(2);
    assertThat(r.getJsonArray("steps")).hasSize(2);
    assertThat(r.getDouble("highest_rate_held_msg_s")).isEqualTo(40.0);
    assertThat(r.getLong("subscribers")).isEqualTo(20);
    assertThat(r.getLong("expected")).isEqualTo(400);
    assertThat(r.getLong("delivered")).isEqualTo(400);
    assertThat(r.getDouble("delivery_rate_pct")).isEqualTo(100.0);
    assertThat(r.getLong("missing") + r.getLong("duplicated") + r.getLong("out_of_order")).isZero();
    assertThat(r.getLong("latency_count")).isEqualTo(400);
    assertThat(r.getLong("setup_count")).as("every subscriber's setup time, from both processes").isEqualTo(20);
    assertThat(r.getLong("connection_errors")).isZero();

    JsonArray perProcess = r.getJsonArray("per_process");
    assertThat(perProcess).hasSize(2);
    long subscribers = 0;
    long delivered = 0;
    long latencies = 0;
    for (int i = 0; i < 2; i++) {
      JsonObject p = perProcess.getJsonObject(i);
      assertThat(p.getInteger("process")).isEqualTo(i);
      assertThat(p.getLong("subscribers")).isEqualTo(10);
      assertThat(p.getLong("delivered")).isEqualTo(200);
      assertThat(p.getLong("missing") + p.getLong("duplicated") + p.getLong("out_of_order")).isZero();
      subscribers += p.getLong("subscribers");
      delivered += p.getLong("delivered");
      latencies += p.getLong("latency_count");
    }
    assertThat(subscribers).isEqualTo(r.getLong("subscribers"));
    assertThat(delivered).isEqualTo(r.getLong("delivered"));
    assertThat(latencies).isEqualTo(r.getLong("latency_count"));
    double slowest = Math.max(perProcess.getJsonObject(0).getDouble("latency_p99_ms"),
        perProcess.getJsonObject(1).getDouble("latency_p99_ms"));
    assertThat(r.getDouble("latency_p99_ms")).as("the merged P99 lies within the processes'")
        .isLessThanOrEqualTo(slowest);

    // which side was busy: this process and its children, and the server, per delivery, in each step
    assertThat(r.getDouble("client_cpu_pct_of_core")).isPositive();
    assertThat(r.getDouble("client_cpu_us_per_delivery")).isPositive();
    assertThat(r.containsKey("server_cpu_us_per_delivery")).isTrue();
    assertThat(r.getJsonArray("steps").getJsonObject(0).getDouble("client_cpu_us_per_delivery")).isPositive();
  }

  @Test
  void oneProcessBelowTwoThousandSubscribersThenOnePerTwoThousandAtMostFour() {
    SubscriberProcesses auto = new SubscriberProcesses();
    assertThat(auto.count(1_999)).isEqualTo(1);
    assertThat(auto.count(2_000)).isEqualTo(1);
    assertThat(auto.count(2_001)).isEqualTo(2);
    assertThat(auto.count(6_000)).isEqualTo(3);
    assertThat(auto.count(100_000)).isEqualTo(4);
    SubscriberProcesses three = new SubscriberProcesses();
    three.processes = 3;
    assertThat(three.count(100_000)).isEqualTo(3);
    assertThat(three.count(2)).as("never more processes than subscribers").isEqualTo(2);
  }
}
