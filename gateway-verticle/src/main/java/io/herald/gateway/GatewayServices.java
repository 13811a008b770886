package io.herald.gateway;

import io.herald.core.Broker;
import io.herald.core.Json;
import io.herald.core.Membership;
import io.herald.core.StreamPosition;
import io.herald.core.Presence;
import io.herald.core.config.HeraldConfig;
import io.herald.core.webhooks.Webhooks;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What every gateway instance of a node shares: configuration, the broker and presence it talks to,
 * the cluster's members, the registry of open connections, metrics, readiness and the node's webhooks.
 */
public record GatewayServices(String nodeId, HeraldConfig config, Broker broker, Presence presence,
                              Membership membership, ConnectionRegistry connections, HeraldMetrics metrics,
                              PrometheusMeterRegistry meterRegistry, NodeState state, Webhooks webhooks) {

  /** Services of a node without webhooks. */
  public GatewayServices(String nodeId, HeraldConfig config, Broker broker, Presence presence, Membership membership,
                         ConnectionRegistry connections, HeraldMetrics metrics, PrometheusMeterRegistry meterRegistry,
                         NodeState state) {
    this(nodeId, config, broker, presence, membership, connections, metrics, meterRegistry, state, Webhooks.OFF);
  }

  /**
   * What {@code GET /api/info} reports about this node: gauges (open connections, subscriptions) and counters since
   * it started (connections opened, messages published and delivered), from which a reader computes rates.
   */
  public JsonObject nodeInfo() {
    return new JsonObject().put("id", nodeId).put("address", state.address())
        .put("connections", connections.size())
        .put("subscriptions", metrics.subscriptionCount())
        .put("uptime_s", state.uptimeSeconds())
        .put("connections_opened", metrics.connectionsOpened())
        .put("messages_published", metrics.publishedCount())
        .put("messages_delivered", metrics.deliveredCount());
  }

  /**
   * The one publish path of every protocol (HTTP API, /ws, GraphQL): checks the channel name and the
   * size of {@code data} (raw JSON), counts it, and hands it to the channel's sequencer.
   */
  public Future<StreamPosition> publish(String channel, Buffer data) {
    return publish(channel, data, true);
  }

  /** As {@link #publish(String, Buffer)}; {@code mayCreate} false: only to a channel that exists (see {@link Broker}). */
  public Future<StreamPosition> publish(String channel, Buffer data, boolean mayCreate) {
    return publish(channel, List.of(data), mayCreate);
  }

  /**
   * Several messages to one channel, each checked as by {@link #publish(String, Buffer)}, sequenced together:
   * consecutive offsets in this order; completes with the first one's position.
   */
  public Future<StreamPosition> publish(String channel, List<Buffer> data, boolean mayCreate) {
    Json.validChannel(channel);
    int maxData = config.get(HeraldConfig.MAX_DATA_BYTES);
    data.forEach(d -> Json.checkDataSize(d, maxData));
    metrics.published(data.size());
    return broker.publish(channel, List.copyOf(data), mayCreate);
  }
}
