package io.herald.core.config;

import io.herald.core.ChannelName;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a channel's {@link NamespaceOptions}: the {@code namespace.*} defaults, overridden per
 * namespace by the {@code namespaces} object ({@code {"chat": {"history_size": 50, "client_publish": false}}}).
 */
public final class Namespaces {

  private static final Set<String> FIELDS = Set.of("history_size", "history_ttl_ms", "client_publish", "presence",
      "join_leave", "subscribe", "history", "presence_users", "cache",
      "max_rate", "batch_ms", "proxy_subscribe", "proxy_publish", "proxy_fail_open");

  private final NamespaceOptions defaults;
  private final Map<String, NamespaceOptions> byName = new HashMap<>();
  private final JsonObject overrides;

  Namespaces(HeraldConfig config, JsonObject overrides) {
    this.overrides = overrides.copy();
    this.defaults = new NamespaceOptions(config.get(HeraldConfig.NAMESPACE_HISTORY_SIZE),
        config.get(HeraldConfig.NAMESPACE_HISTORY_TTL_MS), config.get(HeraldConfig.NAMESPACE_CLIENT_PUBLISH),
        config.get(HeraldConfig.NAMESPACE_PRESENCE), config.get(HeraldConfig.NAMESPACE_JOIN_LEAVE),
        NamespaceOptions.SubscribeMode.ANYONE, // per namespace only: auth.required covers "everyone must authenticate"
        config.get(HeraldConfig.NAMESPACE_HISTORY), config.get(HeraldConfig.NAMESPACE_PRESENCE_USERS),
        config.get(HeraldConfig.NAMESPACE_CACHE), config.get(HeraldConfig.NAMESPACE_MAX_RATE),
        batchWindow(HeraldConfig.NAMESPACE_BATCH_MS.key(), config.get(HeraldConfig.NAMESPACE_BATCH_MS)),
        NamespaceOptions.ProxyOptions.NONE); // per namespace only: a hook is opted into where it is wanted
    for (String name : overrides.fieldNames()) {
      Object raw = overrides.getValue(name);
      if (!(raw instanceof JsonObject o)) {
        throw new IllegalArgumentException("namespaces." + name + ": not a JSON object");
      }
      byName.put(name, resolve(name, o));
    }
  }

  private NamespaceOptions resolve(String name, JsonObject o) {
    for (String field : o.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("namespaces." + name + ": unknown option " + field);
      }
    }
    try {
      return new NamespaceOptions(
          nonNegative(name, "history_size", o.getInteger("history_size", defaults.historySize())),
          nonNegative(name, "history_ttl_ms", o.getLong("history_ttl_ms", defaults.historyTtlMs())),
          o.getBoolean("client_publish", defaults.clientPublish()),
          o.getBoolean("presence", defaults.presence()),
          o.getBoolean("join_leave", defaults.joinLeave()),
          o.containsKey("subscribe") ? mode("namespaces." + name + ".subscribe", o.getString("subscribe"))
              : defaults.subscribe(),
          o.getBoolean("history", defaults.history()),
          o.getBoolean("presence_users", defaults.presenceUsers()),
          o.getBoolean("cache", defaults.cache()),
          nonNegative(name, "max_rate", o.getInteger("max_rate", defaults.maxRate())),
          batchWindow("namespaces." + name + ".batch_ms",
              nonNegative(name, "batch_ms", o.getInteger("batch_ms", defaults.batchMs()))),
          new NamespaceOptions.ProxyOptions(o.getBoolean("proxy_subscribe", false), o.getBoolean("proxy_publish", false),
              o.getBoolean("proxy_fail_open", false)));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("namespaces." + name + ": wrong type of option");
    }
  }

  private static NamespaceOptions.SubscribeMode mode(String key, String value) {
    try {
      return NamespaceOptions.SubscribeMode.of(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  private static <N extends Number> N nonNegative(String ns, String field, N value) {
    if (value.longValue() < 0) {
      throw new IllegalArgumentException("namespaces." + ns + "." + field + " must not be negative");
    }
    return value;
  }

  /** The longest batching window: a window delays deliveries, it is not a place to store them. */
  public static final int MAX_BATCH_MS = 1_000;

  private static int batchWindow(String key, int ms) {
    if (ms > MAX_BATCH_MS) {
      throw new IllegalArgumentException(key + " must be at most " + MAX_BATCH_MS);
    }
    return ms;
  }

  /** Options of the namespace of a valid channel name. */
  public NamespaceOptions forChannel(String channel) {
    return byName.getOrDefault(ChannelName.namespace(channel), defaults);
  }

  JsonObject overrides() {
    return overrides.copy();
  }
}
