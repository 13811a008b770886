package io.herald.load;

import io.herald.core.config.HeraldConfig;
import io.herald.load.engine.ServerMetrics;
import io.herald.node.HeraldNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each connection scenario, run through the CLI with tiny parameters against a real node started
 * in-process; asserts the accounting in the JSON result (no errors, every pong, every delivery), never the speed.
 */
class ScenarioSmokeTest {

  private static HeraldNode node;
  private static Vertx vertx;
  private static ServerMetrics metrics;

  @TempDir
  Path dir;

  @BeforeAll
  static void startNode() throws Exception {
    HeraldConfig config = HeraldConfig.load(new JsonObject(), Map.of(), Map.of(HeraldConfig.PORT.key(), "0",
        HeraldConfig.HOST.key(), "127.0.0.1", HeraldConfig.SHUTDOWN_DRAIN_MS.key(), "200"));
    node = HeraldNode.start(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx = Vertx.vertx();
    metrics = new ServerMetrics(vertx, url());
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** The scenarios count the server's connections: each starts when the previous one's are gone. */
  @BeforeEach
  void noConnectionsLeft() {
    await().atMost(Duration.ofSeconds(10)).until(() ->
        metrics.activeConnections().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS) == 0);
  }

  @ParameterizedTest(name = "own channels: {0}")
  @ValueSource(booleans = {false, true})
  void connectionsAllSubscribeAndTheServerCountsThem(boolean ownChannels) throws Exception {
    List<String> args = new ArrayList<>(List.of("--connections", "20", "--connect-rate", "200"));
    if (ownChannels) {
      args.add("--own-channels");
    }
    JsonObject r = run("connections", args.toArray(String[]::new));
    assertThat(r.getString("channels")).isEqualTo(ownChannels ? "own" : "shared");
    assertThat(r.getLong("subscribed")).isEqualTo(20);
    assertThat(r.getLong("errors")).isZero();
    assertThat(r.getLong("error_events")).isZero();
    assertThat(r.getLong("connect_count")).isEqualTo(20);
    assertThat(r.getDouble("connect_max_ms")).isGreaterThanOrEqualTo(r.getDouble("connect_min_ms"));
    assertThat(r.getLong("server_connections_before")).isZero();
    assertThat(r.getLong("server_connections_active")).isEqualTo(20);
    assertThat(r.getDouble("memory_initial_mb")).isPositive();
    assertThat(r.containsKey("heap_per_connection_bytes")).isTrue();
    assertThat(r.getString("heap_reading")).isEqualTo("no_gc");
  }

  @Test
  void burstsAreDeliveredWhole() throws Exception {
    JsonObject r = run("burst", "--bursts", "2", "--messages", "50", "--subscribers", "5", "--gap-ms", "100");
    JsonArray bursts = r.getJsonArray("per_burst");
    assertThat(bursts).hasSize(2);
    for (int i = 0; i < bursts.size(); i++) {
      JsonObject b = bursts.getJsonObject(i);
      assertThat(b.getInteger("burst")).isEqualTo(i + 1);
      assertThat(b.getLong("published")).isEqualTo(50);
      assertThat(b.getLong("delivered")).isEqualTo(b.getLong("expected")).isEqualTo(250);
      assertThat(b.getLong("missing") + b.getLong("duplicated") + b.getLong("out_of_order")).isZero();
      assertThat(b.getDouble("publish_rate_msg_s")).isPositive();
    }
    assertThat(r.getLong("published")).isEqualTo(100);
    assertThat(r.getLong("publish_errors") + r.getLong("not_sent") + r.getLong("connection_errors")).isZero();
    assertThat(r.getLong("delivered")).isEqualTo(r.getLong("expected")).isEqualTo(500);
    assertThat(r.getDouble("delivery_rate_pct")).isEqualTo(100.0);
    assertThat(r.getLong("missing") + r.getLong("duplicated") + r.getLong("out_of_order")).isZero();
    assertThat(r.getLong("latency_count")).isEqualTo(500);
  }

  @Test
  void everyPingIsAnswered() throws Exception {
    JsonObject r = run("stability", "--connections", "5", "--duration", "2", "--ping-interval-ms", "200",
        "--sample-interval-s", "1");
    assertThat(r.getLong("subscribed")).isEqualTo(5);
    assertThat(r.getLong("errors")).isZero();
    assertThat(r.getLong("pings_sent")).isPositive();
    assertThat(r.getLong("pongs")).isEqualTo(r.getLong("pings_sent")).isEqualTo(r.getLong("pong_count"));
    assertThat(r.getDouble("pong_rate_pct")).isEqualTo(100.0);
    assertThat(r.getLong("pings_unsent") + r.getLong("unexpected_pongs") + r.getLong("disconnects")).isZero();
    JsonArray samples = r.getJsonArray("heap_samples");
    assertThat(samples.size()).isGreaterThanOrEqualTo(2);
    assertThat(samples.getJsonObject(0).getDouble("t_s")).isZero();
    assertThat(samples.getJsonObject(samples.size() - 1).getLong("connections")).isEqualTo(5);
  }

  @Test
  void leakCyclesCloseEveryConnectionAndSampleTheHeap() throws Exception {
    JsonObject r = run("leak", "--cycles", "3", "--connections", "5", "--sample-every", "2", "--settle-ms", "100");
    assertThat(r.getLong("connections_opened")).isEqualTo(15);
    assertThat(r.getLong("errors") + r.getLong("error_events")).isZero();
    assertThat(r.getLong("cycles_with_lingering_connections")).isZero();
    assertThat(r.getLong("server_connections_after")).isZero();
    JsonArray samples = r.getJsonArray("heap_samples");
    assertThat(samples.stream().map(s -> ((JsonObject) s).getInteger("cycle"))).containsExactly(0, 2, 3);
    assertThat(r.getString("verdict")).contains("heap").contains("after cycle 3");
    assertThat(r.getString("heap_reading")).isEqualTo("no_gc");
    assertThat(r.getString("heap_note")).contains("without a GC");
  }

  /** Small, harmless versions of each attack: the accounting of what was sent and answered, never the speed. */
  @Test
  void hostileCountsWhatEachAttackGotAndEveryProbePing() throws Exception {
    JsonObject r = run("hostile", "--duration", "2", "--probes", "2", "--probe-interval-ms", "100",
        "--bomb-rate", "5", "--bomb-depth", "3", "--flood-connections", "2", "--flood-rate", "10",
        "--flood-bytes", "100", "--flood-channels", "10", "--slowloris", "3", "--trickle-ms", "200");
    assertThat(r.getLong("pings_sent")).isPositive();
    assertThat(r.getLong("pongs")).isEqualTo(r.getLong("pings_sent"));
    assertThat(r.getLong("probe_disconnects")).isZero();
    JsonObject outcomes = r.getJsonObject("outcomes");
    JsonObject bomb = outcomes.getJsonObject("fragment-bomb");
    assertThat(bomb.getLong("sent")).isPositive();
    assertThat(bomb.getJsonObject("answers").getLong("200")).as("a depth-3 bomb is a legal query").isPositive();
    JsonObject flood = outcomes.getJsonObject("channel-flood");
    assertThat(flood.getLong("channels_tried")).isEqualTo(10);
    assertThat(flood.getJsonObject("replies").getLong("published")).isEqualTo(10);
    assertThat(outcomes.getJsonObject("slowloris").getLong("opened")).isEqualTo(3);
    assertThat(r.containsKey("every_loop_answered_within_bound")).isTrue();
    assertThat(r.getLong("node_loop_lag_runs")).as("the node's 20 ms lag timer ran during the 2 s").isPositive();
    assertThat(r.getLong("node_loop_lag_runs_over_bound")).isNotNegative();
  }

  /** The node runs in this JVM, so this JVM's pid is the server's: jcmd collects it before each heap reading. */
  @Test
  void withTheServerPidHeapIsReadAfterAGc() throws Exception {
    String pid = String.valueOf(ProcessHandle.current().pid());
    JsonObject r = run("leak", "--cycles", "2", "--connections", "5", "--sample-every", "1", "--settle-ms", "100",
        "--server-pid", pid);
    assertThat(r.getLong("errors") + r.getLong("error_events")).isZero();
    assertThat(r.getString("heap_reading")).isEqualTo("after_gc");
    assertThat(r.getString("heap_note")).contains("GC.run").contains(pid);
    assertThat(r.getString("verdict")).contains("after GC");
    assertThat(r.getDouble("memory_initial_mb")).isPositive();
  }

  @Test
  void anUnknownServerPidFailsTheRunInsteadOfReadingWithoutAGc() {
    long unused = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).max().orElse(1) + 100_000;
    int exit = LoadTool.commandLine().execute("connections", "--connections", "2", "--url", url().toString(),
        "--server-pid", String.valueOf(unused));
    assertThat(exit).isNotZero();
  }

  @Test
  void connectionsHelpTellsHowToRaiseTheOpenFilesLimit() {
    String help = new CommandLine(new LoadTool()).getSubcommands().get("connections").getUsageMessage();
    assertThat(help).contains("ulimit -n 20000");
  }

  /** Runs {@code herald load <scenario> <args> --url <node> --json <file>}; the result's fields. */
  private JsonObject run(String scenario, String... args) throws Exception {
    Path json = dir.resolve(scenario + ".json");
    List<String> all = new ArrayList<>(List.of(scenario));
    all.addAll(List.of(args));
    all.addAll(List.of("--url", url().toString(), "--json", json.toString(), "--event-loops", "2"));
    int exit = LoadTool.commandLine().execute(all.toArray(String[]::new));
    assertThat(exit).as("exit code").isZero();
    JsonObject result = new JsonObject(Files.readString(json));
    assertThat(result.getString("scenario")).isEqualTo(scenario);
    return result.getJsonObject("results");
  }

  private static URI url() {
    return URI.create("http://127.0.0.1:" + node.port());
  }
}
