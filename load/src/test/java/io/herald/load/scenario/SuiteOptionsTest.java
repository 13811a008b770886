package io.herald.load.scenario;

import io.herald.load.LoadTool;
import io.herald.load.report.Suite;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The options suite.json passes (and docs name) stay declared by their scenarios, whatever mixin holds them. */
class SuiteOptionsTest {

  private final Map<String, CommandLine> scenarios = LoadTool.commandLine().getSubcommands();

  @Test
  void everyOptionTheSuitePassesIsDeclaredByItsScenario() {
    for (Suite.Run run : Suite.standard().runs()) {
      CommandLine scenario = scenarios.get(run.scenario());
      assertThat(scenario).as(run.id()).isNotNull();
      for (String scale : List.of("report", "large", "quick")) {
        List<String> dropped = new ArrayList<>();
        run.args(scale).ifPresent(args -> Report.understood(scenario.getCommandSpec(), args, dropped));
        assertThat(dropped).as("%s at %s scale", run.id(), scale).isEmpty();
      }
    }
  }

  @Test
  void sharedOptionsKeepTheirNamesAndPerScenarioDefaults() {
    assertThat(defaultOf("fanout-max", "--subscribers")).isEqualTo("1000");
    assertThat(defaultOf("throughput", "--subscribers")).isEqualTo("100");
    assertThat(defaultOf("burst", "--subscribers")).isEqualTo("100");
    assertThat(defaultOf("compare", "--subscribers")).isEqualTo("100");
    for (String s : List.of("throughput", "compare", "graphql-hf")) {
      assertThat(defaultOf(s, "--rate")).as(s).isEqualTo("100.0");
      assertThat(defaultOf(s, "--duration")).as(s).isEqualTo("30.0");
    }
    assertThat(defaultOf("graphql", "--rate")).isEqualTo("50.0");
    for (String s : List.of("throughput", "burst", "fanout-max", "compare", "graphql", "graphql-hf", "stability")) {
      assertThat(defaultOf(s, "--drain-ms")).as(s).isEqualTo("5000");
    }
    for (String s : List.of("throughput", "burst", "fanout-max", "connections", "stability", "leak")) {
      assertThat(defaultOf(s, "--connect-rate")).as(s).isEqualTo("2000");
    }
    for (String s : scenarios.keySet()) {
      assertThat(scenarios.get(s).getCommandSpec().findOption("--server-pid")).as(s).isNotNull();
    }
  }

  /**
   * Up to 10,000 connections stay in one client process (another JVM costs two cores more than it spreads); the
   * large scale's 19,000 go to two; the report's 100 stay in one.
   */
  @Test
  void largeConnectionRunsSpreadOverClientProcesses() {
    assertThat(processesFor("19000")).isEqualTo(2);
    assertThat(processesFor("10001")).isEqualTo(2);
    assertThat(processesFor("10000")).isEqualTo(1);
    assertThat(processesFor("100")).isEqualTo(1);
  }

  private int processesFor(String connections) {
    Connections c = new Connections();
    new CommandLine(c).parseArgs("--connections", connections);
    return c.clientProcesses();
  }

  private String defaultOf(String scenario, String option) {
    return scenarios.get(scenario).getCommandSpec().findOption(option).defaultValueString();
  }
}
