package io.herald.gateway.http;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** /health/live, /health/ready and the Prometheus exposition at /metrics. */
class OperationsEndpointsTest {

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withDefaults();

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
    double disconnected = value("herald_disconnects_total{code=\"4012\"");

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
      });

      node.http().post("/api/disconnect", new JsonObject().put("client", client.connected().getString("client")));
      assertThat(client.awaitClose()).isEqualTo((short) 4012);
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(value("herald_disconnects_total{code=\"4012\"")).isEqualTo(disconnected + 1);
        assertThat(value("herald_connections_active")).isZero();
        assertThat(value("herald_subscriptions_active")).isZero();
        assertThat(value("herald_channels_active")).isZero();
      });
    }
  }

  /** The sum of the samples whose line starts with {@code prefix} (a name, optionally with the start of its labels). */
  private static double value(String prefix) {
    String text = node.http().get("/metrics").body().toString();
    return text.lines()
        .filter(l -> !l.startsWith("#"))
        .filter(l -> l.startsWith(prefix + " ") || l.startsWith(prefix + "{") || (prefix.contains("{") && l.startsWith(prefix)))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
