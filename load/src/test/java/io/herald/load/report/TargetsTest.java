package io.herald.load.report;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetsTest {

  private static Targets.Goal goal(String run, String scale, String op, double value) {
    return new Targets.Goal("m", run, scale, "latency_p99_ms", op, value, "289 ms");
  }

  @ParameterizedTest(name = "{0} {1} {2}: {3}")
  @CsvSource({
      "4.9, <=, 5, PASS", "5, <=, 5, PASS", "5.1, <=, 5, FAIL",
      "4.9, <, 5, PASS", "5, <, 5, FAIL",
      "5, >=, 5, PASS", "4.9, >=, 5, FAIL",
      "5.1, >, 5, PASS", "5, >, 5, FAIL",
      "100, ==, 100, PASS", "99.999, ==, 100, FAIL",
      "-1.5, abs<=, 2, PASS", "1.5, abs<=, 2, PASS", "-2.5, abs<=, 2, FAIL", "31, abs<=, 2, FAIL"})
  void operators(double measured, String op, double value, Targets.Status expected) {
    Targets.Verdict v = goal("throughput", "any", op, value).evaluate(new JsonObject().put("latency_p99_ms", measured));

    assertThat(v.status()).isEqualTo(expected);
    assertThat(v.measured()).isEqualTo(measured);
  }

  @Test
  void aRunWithoutTheMetricOrWithoutResultsHasNoData() {
    Targets.Goal g = goal("throughput", "any", "<=", 5);

    assertThat(g.evaluate(new JsonObject().put("latency_p50_ms", 1.0)).status()).isEqualTo(Targets.Status.NO_DATA);
    assertThat(g.evaluate(new JsonObject().put("latency_p99_ms", "fast")).status()).isEqualTo(Targets.Status.NO_DATA);
    assertThat(g.evaluate(null).measured()).isNull();
  }

  @Test
  void appliesToItsRunAtItsScaleAndStarToEveryRun() {
    assertThat(goal("throughput", "report", "<=", 5).appliesTo("throughput", "report")).isTrue();
    assertThat(goal("throughput", "report", "<=", 5).appliesTo("throughput", "large")).isFalse();
    assertThat(goal("throughput", "any", "<=", 5).appliesTo("throughput", "large")).isTrue();
    assertThat(goal("throughput", "any", "<=", 5).appliesTo("graphql", "large")).isFalse();
    assertThat(goal("*", "any", "<=", 5).appliesTo("graphql", "large")).isTrue();
  }

  @Test
  void refusesAnUnknownOperator() {
    assertThatThrownBy(() -> goal("throughput", "any", "=<", 5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesTargetsWithTheScaleAndReportFigureOptional() {
    Targets t = Targets.parse("{\"targets\": [{\"measurement\": \"p99\", \"run\": \"throughput\", "
        + "\"metric\": \"latency_p99_ms\", \"op\": \"<=\", \"value\": 5}]}");

    assertThat(t.goals()).containsExactly(new Targets.Goal("p99", "throughput", "any", "latency_p99_ms", "<=", 5, "-"));
    assertThat(t.goals().get(0).describe()).isEqualTo("latency_p99_ms <= 5");
  }

  @Test
  void theCommittedTargetsFileNamesRunsOfTheSuiteAndIsPackedInTheTool() throws Exception {
    Targets committed = Targets.load(Path.of("targets.json")); // load/targets.json; tests run in load/
    Targets packed = Targets.load(null);
    Set<String> runs = Suite.standard().runs().stream().map(Suite.Run::id).collect(Collectors.toSet());

    assertThat(packed.goals()).isEqualTo(committed.goals()).hasSizeGreaterThanOrEqualTo(10);
    assertThat(committed.goals()).allSatisfy(g -> {
      assertThat(g.run().equals("*") || runs.contains(g.run())).as("run %s of %s", g.run(), g.measurement()).isTrue();
      assertThat(g.scale()).isIn("report", "large", "any");
    });
  }
}
