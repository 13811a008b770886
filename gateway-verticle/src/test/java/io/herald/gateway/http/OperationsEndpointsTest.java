package io.herald.gateway.http;

import io.herald.core.BuildInfo;
import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.Metrics;
import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.SseClient;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** /health/live, /health/ready and the Prometheus exposition at /metrics. */
class OperationsEndpointsTest {

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withDefaults()
      .namespaces(new JsonObject().put("short", new JsonObject().put("history_size", 1)));

  @ParameterizedTest
  @ValueSource(strings = {"/health/live", "/health/ready"})
  void healthEndpointsAreUpWhileTheNodeServes(String path) {
    Response r = node.http().get(path);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("status")).isEqualTo("UP");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "herald_connections_active",
      "herald_connection_setup_seconds_bucket",
      "herald_messages_published_total",
      "herald_messages_delivered_total",
      "herald_delivery_latency_seconds_bucket",
      "herald_slow_consumer_closes_total",
      "herald_disconnects_total",
      "herald_recovery_failed_total",
      "herald_publish_to_delivery_seconds_bucket",
      "herald_build_info",
      "herald_subscriptions_active",
      "herald_channels_active",
      "jvm_memory_used_bytes",
      "vertx_"})
  void metricsExposeTheMeter(String name) {
    Response r = node.http().get("/metrics");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().toString().lines().filter(l -> !l.startsWith("#")).anyMatch(l -> l.startsWith(name)))
        .as("a sample of " + name).isTrue();
  }

  @Test
  void metricsFollowConnectionsSubscriptionsAndMessages() {
    double published = value("herald_messages_published_total");
    double delivered = value("herald_messages_delivered_total");
    double setups = value("herald_connection_setup_seconds_count");
    double latencies = value("herald_delivery_latency_seconds_count");
    double disconnected = value("herald_disconnects_total{code=\"4012\",initiator=\"server\"}");
    double localHops = value("herald_publish_to_delivery_seconds_count{hop=\"local\"}");

    try (WsClient client = node.connect()) {
      client.subscribe(1, "ops:a");
      node.http().publish("ops:a", new JsonObject().put("n", 1));
      client.next("message");

      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(value("herald_connections_active")).isEqualTo(1);
        assertThat(value("herald_subscriptions_active")).isEqualTo(1);
        assertThat(value("herald_channels_active")).isEqualTo(1);
        assertThat(value("herald_messages_published_total")).isEqualTo(published + 1);
        assertThat(value("herald_messages_delivered_total")).isEqualTo(delivered + 1);
        assertThat(value("herald_connection_setup_seconds_count")).isEqualTo(setups + 1);
        assertThat(value("herald_delivery_latency_seconds_count")).isEqualTo(latencies + 1);
        // A standalone node accepted the publish itself.
        assertThat(value("herald_publish_to_delivery_seconds_count{hop=\"local\"}")).isEqualTo(localHops + 1);
      });

      node.http().post("/api/disconnect", new JsonObject().put("client", client.connected().getString("client")));
      assertThat(client.awaitClose()).isEqualTo((short) 4012);
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(value("herald_disconnects_total{code=\"4012\",initiator=\"server\"}")).isEqualTo(disconnected + 1);
        assertThat(value("herald_connections_active")).isZero();
        assertThat(value("herald_subscriptions_active")).isZero();
        assertThat(value("herald_channels_active")).isZero();
      });
    }
  }

  @Test
  void buildInfoNamesTheVersionAndTheCommitInMetricsAndApiInfo() {
    String sample = node.http().get("/metrics").body().toString().lines().filter(l -> l.startsWith("herald_build_info{"))
        .findFirst().orElseThrow(() -> new AssertionError("no herald_build_info sample"));
    Matcher m = Pattern.compile("herald_build_info\\{commit=\"([^\"]*)\",version=\"([^\"]*)\"} 1(\\.0)?").matcher(sample);

    assertThat(m.matches()).as("one herald_build_info sample, always 1: " + sample).isTrue();
    assertThat(m.group(2)).as("the Maven project version").matches("\\d+\\.\\d+\\.\\d+.*").isEqualTo(BuildInfo.current().version());
    assertThat(m.group(1)).as("the abbreviated commit, or unknown without .git").matches("[0-9a-f]{7,}|unknown")
        .isEqualTo(BuildInfo.current().commit());
    JsonObject info = node.http().get("/api/info").json().getJsonArray("nodes").getJsonObject(0);
    assertThat(info.getString("version")).isEqualTo(m.group(2));
    assertThat(info.getString("commit")).isEqualTo(m.group(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse"})
  void aSubscribeWhoseSinceHistoryNoLongerHoldsIsCountedAsAFailedRecovery(String protocol) {
    String channel = "short:" + protocol;
    String epoch = node.http().publish(channel, 1).getString("epoch");
    node.http().publish(channel, 2);
    node.http().publish(channel, 3); // history_size 1: only offset 3 is left
    double before = value("herald_recovery_failed_total{reason=\"since\"}");
    double gaps = value("herald_recovery_failed_total{reason=\"gap\"}");

    if (protocol.equals("ws")) {
      try (WsClient client = node.connect()) {
        client.send(new JsonObject().put("type", "subscribe").put("id", 1).put("channel", channel)
            .put("since", new JsonObject().put("epoch", epoch).put("offset", 1)));
        assertThat(client.next("error").getString("code")).isEqualTo("recovery_failed");
      }
    } else {
      try (SseClient stream = SseClient.open(node.port(), "/sse?channel=" + channel + "&since=" + epoch + ":1")) {
        stream.next("connected");
        assertThat(stream.next("error").json().getString("code")).isEqualTo("recovery_failed");
      }
    }

    assertThat(value("herald_recovery_failed_total{reason=\"since\"}")).isEqualTo(before + 1);
    assertThat(value("herald_recovery_failed_total{reason=\"gap\"}")).isEqualTo(gaps);
  }

  @Test
  void disconnectsSayWhetherTheClientOrTheServerClosed() {
    List<String> series = List.of(
        "herald_disconnects_total{code=\"1000\",initiator=\"client\"}", // a close frame from the client
        "herald_disconnects_total{code=\"1006\",initiator=\"client\"}", // the client gone without one
        "herald_disconnects_total{code=\"1009\",initiator=\"server\"}", // the server's close over a limit
        "herald_disconnects_total{initiator=\"server\"}"); // and no other close of the server's
    double[] before = values(series);

    WsClient polite = node.connect();
    polite.close();
    try (RawWebSocket vanishing = RawWebSocket.connect(node.port())) {
      vanishing.next("connected");
    }
    try (RawWebSocket oversized = RawWebSocket.connect(node.port())) {
      oversized.next("connected");
      oversized.sendFrame(RawWebSocket.TEXT, new byte[70_000]); // over ws.max_frame_bytes
      assertThat(oversized.skipUntil(RawWebSocket.CLOSE).closeCode()).isEqualTo(1009);
    }

    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(values(series)).containsExactly(before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1);
      assertThat(value("herald_connections_active")).isZero();
    });
  }

  private static double[] values(List<String> series) {
    return series.stream().mapToDouble(OperationsEndpointsTest::value).toArray();
  }

  /** The sum of the samples of {@code name}, or of those with the labels it gives (see {@link Metrics#value}). */
  private static double value(String name) {
    return Metrics.value(node.http(), name);
  }
}
