package io.herald.node.logging;

import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.WsClient;
import io.herald.node.cluster.NodeProcess;
import io.herald.node.cluster.NodeProcesses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node started by its real command line with {@code log.format=json}: everything it writes is one JSON object a
 * line, with the time, level, logger, message and node id; a connection's lines carry its client id; and
 * {@code log.levels} turns a logger up (io.herald.clients to DEBUG, while the rest stays at INFO) or off
 * (io.herald.auth).
 */
class JsonLogsProcessTest {

  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  private final Vertx vertx = Vertx.vertx();
  private NodeProcess node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    vertx.close();
  }

  @Test
  void everyLineIsJsonWithTheNodeIdAndTheLevelsOfLogLevels() {
    int port = NodeProcess.freePort();
    node = NodeProcess.launch(NodeProcesses.command(port, List.of("--set", "log.format=json",
        "--set", "log.levels=io.herald.clients=debug,io.herald.auth=off", "--set", "auth.hmac_secret=json-logs-secret-0123456789abcdef-xyz",
        "--set", "ws.new_channel_rate=1", "--set", "ws.new_channel_burst=1", "--set", "shutdown.drain_ms=1000")), Map.of(), port);

    String client;
    try (WsClient ws = WsClient.connect(vertx, port)) {
      client = ws.clientId();
      ws.request(new JsonObject().put("type", "publish").put("id", 1).put("channel", "logs-a").put("data", 1));
      assertThat(ws.request(new JsonObject().put("type", "publish").put("id", 2).put("channel", "logs-b").put("data", 2))
          .getString("code")).isEqualTo("rate_limited");
    }
    try (RawWebSocket raw = RawWebSocket.connect(port, "/ws?token=not.a-jwt", null, 0)) {
      assertThat(raw.readFrame().closeCode()).as("refused, and not logged: io.herald.auth is off").isEqualTo(4001);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> node.output().stream().anyMatch(l -> l.contains("\"disconnected\"")));
    node.stop();

    List<JsonObject> lines = node.output().stream().map(line -> {
      try {
        return new JsonObject(line);
      } catch (RuntimeException e) {
        throw new AssertionError("not a JSON line: " + line, e);
      }
    }).toList();
    assertThat(lines).allSatisfy(line -> {
      assertThat(line.getString("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(line.getString("level")).isIn(LEVELS);
      assertThat(line.getString("logger")).isNotBlank();
      assertThat(line.getString("message")).isNotNull();
    });
    assertThat(lines).filteredOn(l -> l.getString("logger").startsWith("io.herald"))
        .isNotEmpty().allSatisfy(l -> assertThat(l.getString("node")).isEqualTo(node.nodeId()));
    assertThat(node.said("node " + node.nodeId() + " ready (standalone)")).isTrue();
    assertThat(node.said("stopped")).isTrue();

    assertThat(lines).filteredOn(l -> l.getString("logger").equals("io.herald.clients"))
        .extracting(l -> l.getString("level") + " " + l.getString("message") + " " + l.getString("client"))
        .contains("DEBUG connected " + client, "DEBUG disconnected " + client);
    assertThat(lines).filteredOn(l -> l.getString("level").equals("DEBUG") || l.getString("level").equals("TRACE"))
        .as("only the logger log.levels turned up logs below INFO")
        .allSatisfy(l -> assertThat(l.getString("logger")).isEqualTo("io.herald.clients"));
    assertThat(lines).filteredOn(l -> l.getString("logger").equals("io.herald.auth")).as("turned off").isEmpty();
    assertThat(lines).filteredOn(l -> l.getString("logger").equals("io.herald.limits")).singleElement()
        .satisfies(l -> {
          assertThat(l.getString("level")).isEqualTo("WARN");
          assertThat(l.getString("client")).isEqualTo(client);
          assertThat(l.getString("channel")).isEqualTo("logs-b");
        });
  }
}
