package io.herald.load.scenario;

import io.herald.core.config.HeraldConfig;
import io.herald.load.LoadTool;
import io.herald.node.HeraldNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code hop} through the CLI against two clustered nodes in this JVM (Hazelcast members on loopback): publishing on
 * one, the subscriber on the other, once with the channel owned by each. Asserts the accounting (every message, once,
 * in order, each case on a channel of the owner it names) and that the subscriber's node timed them as a remote hop;
 * never the speed.
 */
class HopSmokeTest {

  private static HeraldNode one;
  private static HeraldNode two;

  @TempDir
  Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    int port = freePortPair();
    Map<String, String> settings = new HashMap<>(Map.of(HeraldConfig.PORT.key(), "0",
        HeraldConfig.HOST.key(), "127.0.0.1", HeraldConfig.SHUTDOWN_DRAIN_MS.key(), "200",
        "cluster", "true", "cluster.name", "hop-" + UUID.randomUUID(), "cluster.port", Integer.toString(port),
        "cluster.members", "127.0.0.1:" + port + ",127.0.0.1:" + (port + 1)));
    one = start(settings);
    two = start(settings);
    await().atMost(Duration.ofSeconds(60)).until(() -> one.members() == 2 && two.members() == 2);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (HeraldNode node : new HeraldNode[] {two, one}) {
      if (node != null) {
        node.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void eachOwnerCaseDeliversEveryMessageOnceAcrossTheHop() throws Exception {
    String a = url(one);
    String b = url(two);
    Path json = dir.resolve("hop.json");
    assertThat(LoadTool.commandLine().execute("hop", "--publish-url", a, "--url", b, "--owners", a + "," + b,
        "--rate", "50", "--duration", "1", "--warmup", "0.5", "--event-loops", "1", "--json", json.toString()))
        .isZero();

    JsonObject results = new JsonObject(Files.readString(json)).getJsonObject("results");
    JsonArray cases = results.getJsonArray("cases");
    assertThat(cases).hasSize(2);
    List<String> owners = cases.stream().map(c -> ((JsonObject) c).getString("owner")).toList();
    assertThat(owners).containsExactly("publisher's node", "subscriber's node");
    assertThat(((JsonObject) cases.getValue(0)).getString("owner_node"))
        .isNotEqualTo(((JsonObject) cases.getValue(1)).getString("owner_node"));
    for (Object c : cases) {
      JsonObject r = (JsonObject) c;
      assertThat(r.getLong("published")).isEqualTo(50);
      assertThat(r.getLong("delivered")).isEqualTo(50);
      assertThat(r.getLong("missing")).isZero();
      assertThat(r.getLong("duplicated")).isZero();
      assertThat(r.getLong("out_of_order")).isZero();
      assertThat(r.getString("channel")).startsWith("load:hop:");
      assertThat(r.getString("server_hop")).isEqualTo("remote");
      // The run's messages and its marker, each written once to the one subscriber.
      assertThat(r.getLong("server_count")).isEqualTo(51);
      assertThat(r.getDouble("server_p99_ms")).isPositive();
    }
  }

  private static HeraldNode start(Map<String, String> settings) throws Exception {
    HeraldConfig config = HeraldConfig.load(new JsonObject(), Map.of(), settings);
    return HeraldNode.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static String url(HeraldNode node) {
    return "http://127.0.0.1:" + node.port();
  }

  /** A port that is free, and so is the next: the two members' Hazelcast ports. */
  private static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port;
      try (ServerSocket first = new ServerSocket(0)) {
        port = first.getLocalPort();
      }
      try (ServerSocket a = new ServerSocket(port); ServerSocket b = new ServerSocket(port + 1)) {
        return port;
      } catch (IOException taken) {
        // another process took one of them in between: try another pair
      }
    }
    throw new AssertionError("no two free ports in a row");
  }
}
