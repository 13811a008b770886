package io.herald.node;

import io.herald.core.ChannelName;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.webhooks.WebhookSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * Configuration a node refuses to start with, beyond what {@link HeraldConfig} checks key by key:
 * values that only make sense together or that name addresses. {@code Main} prints them and exits with
 * code 2; {@link HeraldNode#start} fails with them, so an embedded node cannot skip them.
 */
final class StartupChecks {

  private static final int MAX_NODE_ID = 64;

  private StartupChecks() {
  }

  /** One line per problem; none: the node may start. */
  static List<String> problems(HeraldConfig config) {
    List<String> problems = new ArrayList<>();
    String id = config.get(HeraldConfig.NODE_ID);
    // A standalone node's id names its bus addresses and its delivery canary's channel, which sequencers check.
    if (!id.isEmpty() && (id.length() > MAX_NODE_ID || !ChannelName.isValid(id)
        || id.indexOf(ChannelName.PRIVATE_PREFIX) >= 0 || id.indexOf(ChannelName.USERS_SEPARATOR) >= 0)) {
      problems.add(HeraldConfig.NODE_ID.key() + ": at most " + MAX_NODE_ID + " letters, digits and _ . : @ = -");
    }
    problems.addAll(ClusterBus.problems(config));
    problems.addAll(WebhookSettings.problems(config));
    problems.addAll(NodeTracing.problems(config));
    return problems;
  }
}
