package io.herald.gateway;

import io.herald.core.Broker;
import io.herald.core.BuildInfo;
import io.herald.core.HeraldException;
import io.herald.core.Json;
import io.herald.core.Membership;
import io.herald.core.Presence;
import io.herald.core.Publication;
import io.herald.core.PublishOutcome;
import io.herald.core.PublishRequest;
import io.herald.core.StreamPosition;
import io.herald.core.config.HeraldConfig;
import io.herald.core.webhooks.Webhooks;
import io.herald.gateway.health.NodeState;
import io.herald.gateway.metrics.HeraldMetrics;
import io.herald.gateway.session.ConnectionRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
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
   * What {@code GET /api/info} reports about this node: gauges (open connections, subscriptions), counters since
   * it started (connections opened, messages published and delivered), from which a reader computes rates, and its
   * build (version, commit).
   */
  public JsonObject nodeInfo() {
    return new JsonObject().put("id", nodeId).put("member", membership.self()).put("address", state.address())
        .put("connections", connections.size())
        .put("subscriptions", metrics.subscriptionCount())
        .put("uptime_s", state.uptimeSeconds())
        .put("connections_opened", metrics.connectionsOpened())
        .put("messages_published", metrics.publishedCount())
        .put("messages_delivered", metrics.deliveredCount())
        .put("version", BuildInfo.current().version()).put("commit", BuildInfo.current().commit());
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
    return publish(new PublishRequest(channel, data), mayCreate).map(Publication::first);
  }

  /**
   * As {@link #publish(String, List, boolean)}, with the request's idempotency keys: a message whose key the channel
   * published within publish.idempotency_window_ms is answered with its earlier offset and not published again.
   */
  public Future<Publication> publish(PublishRequest request, boolean mayCreate) {
    return broker.publish(checked(request), mayCreate);
  }

  /**
   * Requests to several channels (one each), as {@link #publish(PublishRequest, boolean)}, in one bus round trip per
   * owner of their channels; each request's outcome (a refusal of its own included) in this order.
   */
  public Future<List<PublishOutcome>> publishAll(List<PublishRequest> requests) {
    PublishOutcome[] outcomes = new PublishOutcome[requests.size()];
    List<PublishRequest> valid = new ArrayList<>(requests.size());
    List<Integer> validAt = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      try {
        valid.add(checked(requests.get(i)));
        validAt.add(i);
      } catch (HeraldException e) {
        outcomes[i] = PublishOutcome.failed(e);
      }
    }
    if (valid.isEmpty()) {
      return Future.succeededFuture(List.of(outcomes));
    }
    return broker.publishAll(valid, true).map(published -> {
      for (int k = 0; k < published.size(); k++) {
        outcomes[validAt.get(k)] = published.get(k);
      }
      return List.of(outcomes);
    });
  }

  /**
   * The request as the broker takes it (immutable lists), once its channel and data sizes pass; counted, and stamped
   * with this node and the time it was accepted (herald_publish_to_delivery_seconds runs from there).
   */
  private PublishRequest checked(PublishRequest request) {
    Json.validChannel(request.channel());
    int maxData = config.get(HeraldConfig.MAX_DATA_BYTES);
    request.data().forEach(d -> Json.checkDataSize(d, maxData));
    metrics.published(request.data().size());
    // Keys may hold nulls (messages without one), which List.copyOf refuses.
    List<String> keys = request.keys() == null ? null : Collections.unmodifiableList(new ArrayList<>(request.keys()));
    return new PublishRequest(request.channel(), List.copyOf(request.data()), keys, metrics.stamp());
  }

  /** One message with an idempotency key ({@code key} null: none), as {@link #publish(PublishRequest, boolean)}. */
  public Future<Publication> publish(String channel, Buffer data, String key, boolean mayCreate) {
    return publish(new PublishRequest(channel, List.of(data), key == null ? null : List.of(key)), mayCreate);
  }
}
