package io.herald.gateway;

import io.herald.core.Broker;
import io.herald.core.Presence;
import io.herald.core.config.HeraldConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What every gateway instance of a node shares: configuration, the broker and presence it talks to,
 * the registry of open connections, metrics and readiness.
 */
public record GatewayServices(String nodeId, HeraldConfig config, Broker broker, Presence presence,
                              ConnectionRegistry connections, HeraldMetrics metrics,
                              PrometheusMeterRegistry meterRegistry, NodeState state) {
}
