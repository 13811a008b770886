package io.herald.load.scenario;

import io.herald.core.config.HeraldConfig;
import io.herald.load.LoadTool;
import io.herald.load.peer.NchanProcess;
import io.herald.node.HeraldNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code compare}: the same throughput (and fan-out and burst, with {@code --scenarios}) against a Herald node this
 * test starts and against Nchan, both blocks and the ratios in one JSON result; with {@code --skip-nchan} Herald
 * alone. The Nchan case is skipped (with the reason)
 * where nginx + libnginx-mod-nchan are not installed; .ci/run installs them.
 */
class CompareTest {

  @TempDir
  static Path dir;

  static HeraldNode herald;

  @BeforeAll
  static void startHerald() throws Exception {
    HeraldConfig config = HeraldConfig.load(new JsonObject(), Map.of(),
        Map.of(HeraldConfig.PORT.key(), "0", HeraldConfig.HOST.key(), "127.0.0.1"));
    herald = Target.await(HeraldNode.start(config), 30);
  }

  @AfterAll
  static void stopHerald() throws Exception {
    if (herald != null) {
      Target.await(herald.shutdown(), 30);
    }
  }

  @Test
  void skipNchanMeasuresHeraldAlone() throws Exception {
    JsonObject result = compare("skip.json", "--skip-nchan");

    assertAllDelivered(result.getJsonObject("herald"));
    assertThat(result.getBoolean("nchan_skipped")).isTrue();
    assertThat(result.getValue("nchan")).isNull();
    assertThat(result.getJsonObject("ratios").getString("nchan")).isEqualTo("skipped");
    assertThat(result.getJsonObject("scenarios").fieldNames()).containsExactly("throughput");
    assertThat(result.getJsonObject("scenarios").getJsonObject("throughput").getJsonObject("herald"))
        .as("throughput's block at the top level too, as before --scenarios").isEqualTo(result.getJsonObject("herald"));
  }

  @Test
  void fanoutAndBurstAreComparedToo() throws Exception {
    JsonObject result = compare("three.json", "--skip-nchan", "--scenarios", "throughput,fanout,burst",
        "--fanout-subscribers", "20", "--fanout-rate", "40", "--bursts", "2", "--burst-messages", "20",
        "--burst-subscribers", "5", "--server-pid", String.valueOf(ProcessHandle.current().pid()));

    JsonObject scenarios = result.getJsonObject("scenarios");
    assertThat(scenarios.fieldNames()).containsExactly("throughput", "fanout", "burst");
    assertAllDelivered(result.getJsonObject("herald"));
    assertDelivered(scenarios.getJsonObject("fanout").getJsonObject("herald"), 20 * 40);
    JsonObject burst = scenarios.getJsonObject("burst").getJsonObject("herald");
    assertDelivered(burst, 2 * 20 * 5);
    assertThat(burst.getJsonArray("per_burst")).hasSize(2);
    for (String scenario : List.of("throughput", "fanout", "burst")) {
      JsonObject block = scenarios.getJsonObject(scenario);
      assertThat(block.getValue("nchan")).isNull();
      assertThat(block.getJsonObject("ratios").getString("nchan")).isEqualTo("skipped");
      assertThat(block.getJsonObject("herald").getDouble("client_cpu_pct_of_core")).as(scenario).isPositive();
      assertThat(block.getJsonObject("herald").containsKey("server_cpu_us_per_delivery")).as(scenario).isTrue();
    }
    assertThat(result.getJsonObject("parameters").getInteger("fanout_subscribers")).isEqualTo(20);
  }

  @Test
  void aBurstPublishedInBatchesIsDeliveredWhole() throws Exception {
    Path json = dir.resolve("batched-burst.json");
    assertThat(new CommandLine(new LoadTool()).execute("burst", "--url", "http://127.0.0.1:" + herald.port(),
        "--subscribers", "5", "--bursts", "2", "--messages", "300", "--publish-batch", "50", "--publish-connections", "2",
        "--json", json.toString())).isZero();
    JsonObject result = new JsonObject(Files.readString(json)).getJsonObject("results");

    assertDelivered(result, 2 * 300 * 5);
    assertThat(result.getInteger("publish_batch")).isEqualTo(50);
    assertThat(result.getLong("published")).isEqualTo(600);
  }

  @Test
  void anUnknownScenarioIsRefused() {
    assertThat(LoadTool.commandLine().execute("compare", "--skip-nchan", "--scenarios", "throughput,latency",
        "--url", "http://127.0.0.1:" + herald.port())).isEqualTo(2);
  }

  @Test
  void heraldAndNchanSideBySideWithRatios() throws Exception {
    try (NchanProcess nchan = NchanProcess.start(dir.resolve("nchan"))) {
      JsonObject result = compare("both.json", "--peer-url", nchan.url().toString(),
          "--scenarios", "throughput,fanout,burst", "--fanout-subscribers", "20", "--fanout-rate", "40",
          "--bursts", "1", "--burst-messages", "20", "--burst-subscribers", "5", "--peer-pid", nginxPids(nchan.pid()));

      assertAllDelivered(result.getJsonObject("herald"));
      assertAllDelivered(result.getJsonObject("nchan"));
      assertThat(result.getJsonObject("nchan").getString("peer")).isEqualTo("nchan");
      assertThat(result.getBoolean("nchan_skipped")).isFalse();
      JsonObject herald = result.getJsonObject("herald");
      JsonObject peer = result.getJsonObject("nchan");
      JsonObject ratios = result.getJsonObject("ratios");
      assertThat(ratios.getDouble("deliveries_s_ratio")).isEqualTo(Compare.ratio(
          herald.getDouble("throughput_deliveries_s"), peer.getDouble("throughput_deliveries_s")));
      assertThat(ratios.getDouble("p99_ratio")).isEqualTo(Compare.ratio(
          herald.getDouble("latency_p99_ms"), peer.getDouble("latency_p99_ms")));
      assertThat(ratios.getValue("target_met")).isInstanceOf(Boolean.class);
      assertThat(herald.getDouble("client_cpu_pct_of_core")).as("this tool's own CPU: which side was busy")
          .isGreaterThan(0.0);

      JsonObject fanout = result.getJsonObject("scenarios").getJsonObject("fanout");
      assertDelivered(fanout.getJsonObject("herald"), 20 * 40);
      assertDelivered(fanout.getJsonObject("nchan"), 20 * 40);
      JsonObject burst = result.getJsonObject("scenarios").getJsonObject("burst");
      assertDelivered(burst.getJsonObject("herald"), 20 * 5);
      assertDelivered(burst.getJsonObject("nchan"), 20 * 5);
      for (JsonObject block : List.of(fanout, burst)) {
        assertThat(block.getJsonObject("ratios").getDouble("deliveries_s_ratio")).isEqualTo(Compare.ratio(
            block.getJsonObject("herald").getDouble("throughput_deliveries_s"),
            block.getJsonObject("nchan").getDouble("throughput_deliveries_s")));
        assertThat(block.getJsonObject("ratios").getValue("target_met")).isInstanceOf(Boolean.class);
        assertThat(block.getJsonObject("nchan").containsKey("server_cpu_us_per_delivery"))
            .as("nginx's CPU, from --peer-pid").isTrue();
      }
    }
  }

  @Test
  void ratiosAreHeraldOverNchanAndTheTargetNeedsBoth() {
    JsonObject herald = figures(2000, 1.0, 4.0);
    JsonObject nchan = figures(1000, 2.0, 5.0);

    JsonObject r = Compare.ratios(herald, nchan).fields();
    assertThat(r.getDouble("deliveries_s_ratio")).isEqualTo(2.0);
    assertThat(r.getDouble("p50_ratio")).isEqualTo(0.5);
    assertThat(r.getDouble("p99_ratio")).isEqualTo(0.8);
    assertThat(r.getBoolean("target_met")).isTrue();

    assertThat(Compare.ratios(figures(2000, 1.0, 6.0), nchan).fields().getBoolean("target_met")).isFalse();
    assertThat(Compare.ratios(figures(999, 1.0, 4.0), nchan).fields().getBoolean("target_met")).isFalse();
    assertThat(Compare.ratios(figures(2000, 3.0, 4.0), nchan).fields().getBoolean("target_met")).as("a worse P50")
        .isFalse();
    assertThat(Compare.ratios(herald, figures(1000, 0.0, 5.0)).fields().getString("p50_ratio")).isEqualTo("n/a");
    assertThat(r.getString("server_cpu_ratio")).as("CPU not measured on both sides").isEqualTo("n/a");
  }

  @Test
  void serverCpuPerDeliveryCountsWhenBothSidesWereMeasured() {
    JsonObject nchan = figures(1000, 2.0, 5.0).put("server_cpu_us_per_delivery", 10.0);
    JsonObject cheaper = figures(1000, 1.0, 4.0).put("server_cpu_us_per_delivery", 8.0);
    JsonObject dearer = figures(1000, 1.0, 4.0).put("server_cpu_us_per_delivery", 20.0);

    assertThat(Compare.ratios(cheaper, nchan).fields().getDouble("server_cpu_ratio")).isEqualTo(0.8);
    assertThat(Compare.ratios(cheaper, nchan).fields().getBoolean("target_met")).isTrue();
    assertThat(Compare.ratios(dearer, nchan).fields().getDouble("server_cpu_ratio")).isEqualTo(2.0);
    assertThat(Compare.ratios(dearer, nchan).fields().getBoolean("target_met")).isFalse();
  }

  /** nginx's master and its workers, as --peer-pid takes them. */
  private static String nginxPids(long master) {
    List<String> pids = new ArrayList<>(List.of(String.valueOf(master)));
    ProcessHandle.of(master).ifPresent(p -> p.children().forEach(c -> pids.add(String.valueOf(c.pid()))));
    return String.join(",", pids);
  }

  private static JsonObject figures(double deliveriesPerSecond, double p50, double p99) {
    return new JsonObject().put("throughput_deliveries_s", deliveriesPerSecond).put("latency_median_ms", p50)
        .put("latency_p99_ms", p99).put("delivery_rate_pct", 100.0);
  }

  private static JsonObject compare(String jsonName, String... extra) throws Exception {
    Path json = dir.resolve(jsonName);
    // One publish connection, as in NchanThroughputTest: Nchan orders messages as their publishes arrive.
    List<String> args = new ArrayList<>(List.of("compare", "--url", "http://127.0.0.1:" + herald.port(),
        "--subscribers", "10", "--rate", "50", "--duration", "1", "--warmup", "0.2", "--publish-connections", "1",
        "--json", json.toString()));
    args.addAll(List.of(extra));

    assertThat(new CommandLine(new LoadTool()).execute(args.toArray(String[]::new))).isZero();
    JsonObject result = new JsonObject(Files.readString(json));
    assertThat(result.getString("scenario")).isEqualTo("compare");
    assertThat(result.getJsonObject("parameters").getInteger("subscribers")).isEqualTo(10);
    return result;
  }

  private static void assertAllDelivered(JsonObject r) {
    assertDelivered(r, 10 * 50);
  }

  private static void assertDelivered(JsonObject r, long deliveries) {
    assertThat(r.getLong("expected")).isEqualTo(deliveries);
    assertThat(r.getLong("delivered")).isEqualTo(deliveries);
    assertThat(r.getLong("missing") + r.getLong("duplicated") + r.getLong("out_of_order")).isZero();
    assertThat(r.getLong("publish_errors") + r.getLong("connection_errors")).isZero();
  }
}
