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
 * {@code compare}: the same throughput against a Herald node this test starts and against Nchan, both blocks and
 * the ratios in one JSON result; with {@code --skip-nchan} Herald alone. The Nchan case is skipped (with the reason)
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
  }

  @Test
  void heraldAndNchanSideBySideWithRatios() throws Exception {
    try (NchanProcess nchan = NchanProcess.start(dir.resolve("nchan"))) {
      JsonObject result = compare("both.json", "--peer-url", nchan.url().toString());

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
    assertThat(r.getLong("expected")).isEqualTo(10 * 50);
    assertThat(r.getLong("delivered")).isEqualTo(10 * 50);
    assertThat(r.getLong("missing") + r.getLong("duplicated") + r.getLong("out_of_order")).isZero();
    assertThat(r.getLong("publish_errors") + r.getLong("connection_errors")).isZero();
  }
}
