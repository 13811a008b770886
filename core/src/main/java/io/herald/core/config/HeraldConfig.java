package io.herald.core.config;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Herald's whole configuration, layered: defaults < config file < environment ({@code HERALD_*})
 * < command-line overrides. Every limit is a {@link Setting} listed in {@link #SETTINGS}; per-namespace
 * channel options live under {@code namespaces} (see {@link Namespaces}).
 */
public final class HeraldConfig {

  public static final Setting<Integer> PORT = Setting.integer("port", 8080,
      "Public port: /ws, /graphql, /api/*, /metrics, /health/*.");
  public static final Setting<String> HOST = Setting.string("host", "0.0.0.0",
      "Interface the public port binds to.");
  public static final Setting<String> NODE_ID = Setting.string("node.id", "",
      "This node's id in presence and /api/info; empty picks a random one at start.");
  public static final Setting<Integer> GATEWAY_INSTANCES = Setting.integer("gateway.instances", 0,
      "Gateway verticle instances (one event loop each); 0 means one per CPU core.");
  public static final Setting<Integer> BROKER_SHARDS = Setting.integer("broker.shards", 1,
      "Sequencer shards per node; channels are spread over them by name hash.");
  public static final Setting<Integer> WS_MAX_FRAME_BYTES = Setting.integer("ws.max_frame_bytes", 65_536,
      "Largest WebSocket frame (and whole message) a client may send; larger ones close with 1009.");
  public static final Setting<Integer> MAX_DATA_BYTES = Setting.integer("message.max_data_bytes", 32_768,
      "Largest `data` of one published message (JSON bytes), on /ws and the HTTP API: `message_too_large`.");
  public static final Setting<Integer> WS_OUTBOUND_QUEUE_BYTES = Setting.integer("ws.outbound_queue_bytes", 1_048_576,
      "Bytes that may wait to be written to one connection; beyond that it is closed with 4008 (slow consumer).");
  public static final Setting<Integer> WS_MAX_SUBSCRIPTIONS = Setting.integer("ws.max_subscriptions", 1_024,
      "Subscriptions one connection may hold: `too_many_subscriptions` beyond.");
  public static final Setting<Long> WS_PING_INTERVAL_MS = Setting.longValue("ws.ping_interval_ms", 25_000,
      "The server pings a connection it has heard nothing from for this long (announced in `connected`).");
  public static final Setting<Long> WS_PONG_TIMEOUT_MS = Setting.longValue("ws.pong_timeout_ms", 10_000,
      "A connection silent for ping interval + this long is closed with 4011 (heartbeat timeout).");
  public static final Setting<Integer> HTTP_MAX_BODY_BYTES = Setting.integer("http.max_body_bytes", 1_048_576,
      "Largest HTTP API request body: 413 `message_too_large` beyond.");
  public static final Setting<String> API_KEY = Setting.string("api.key", "",
      "When set, /api/* requires `Authorization: Bearer <key>`. Prefer the environment variable to a file.");
  public static final Setting<Integer> HISTORY_DEFAULT_LIMIT = Setting.integer("history.default_limit", 100,
      "Messages returned by a history request that gives no `limit`.");
  public static final Setting<Long> SHUTDOWN_DRAIN_MS = Setting.longValue("shutdown.drain_ms", 5_000,
      "On SIGTERM: readiness turns 503, clients get 1001, and the process exits within this time.");
  public static final Setting<Integer> NAMESPACE_HISTORY_SIZE = Setting.integer("namespace.history_size", 256,
      "Default messages kept per channel for history and recovery (0 disables history).");
  public static final Setting<Long> NAMESPACE_HISTORY_TTL_MS = Setting.longValue("namespace.history_ttl_ms", 300_000,
      "Default time a message stays in history.");
  public static final Setting<Boolean> NAMESPACE_CLIENT_PUBLISH = Setting.bool("namespace.client_publish", true,
      "Default: clients may publish over /ws (the HTTP API always may).");
  public static final Setting<Boolean> NAMESPACE_PRESENCE = Setting.bool("namespace.presence", true,
      "Default: clients may read a channel's presence.");
  public static final Setting<Boolean> NAMESPACE_JOIN_LEAVE = Setting.bool("namespace.join_leave", false,
      "Default: subscribers get `join`/`leave` pushes.");

  public static final Setting<String> WS_ALLOWED_ORIGINS = Setting.string("ws.allowed_origins", "",
      "Comma-separated origins that may open WebSockets (https://app.example.com, https://*.example.com); "
          + "others get 403 before the upgrade. Empty: any origin (set it in production).");
  public static final Setting<Boolean> WS_ALLOW_MISSING_ORIGIN = Setting.bool("ws.allow_missing_origin", true,
      "Whether an upgrade without an Origin header (not from a browser: backends, apps, tools) is allowed.");
  public static final Setting<Integer> WS_PUBLISH_RATE = Setting.integer("ws.publish_rate", 500,
      "Messages per second one connection may publish (token bucket); beyond: error `rate_limited`. 0: no limit.");
  public static final Setting<Integer> WS_PUBLISH_BURST = Setting.integer("ws.publish_burst", 1_000,
      "Publishes one connection may make at once above ws.publish_rate (the bucket's size).");
  public static final Setting<Integer> WS_PUBLISH_MAX_REJECTIONS = Setting.integer("ws.publish_max_rejections", 100,
      "A connection refused more than this many publishes within 10 s is closed with 1008.");
  public static final Setting<Integer> WS_CONNECT_RATE_PER_IP = Setting.integer("ws.connect_rate_per_ip", 20,
      "New WebSocket connections per second from one IP address; beyond: HTTP 429 before the upgrade. 0: no limit.");
  public static final Setting<Integer> WS_CONNECT_BURST_PER_IP = Setting.integer("ws.connect_burst_per_ip", 100,
      "New WebSocket connections one IP address may open at once above ws.connect_rate_per_ip.");
  public static final Setting<Boolean> WS_CONNECT_RATE_EXEMPT_LOOPBACK = Setting.bool("ws.connect_rate_exempt_loopback", true,
      "Whether loopback addresses (a local proxy or load tool) are exempt from ws.connect_rate_per_ip.");
  public static final Setting<Integer> WS_MAX_CONNECTIONS = Setting.integer("ws.max_connections", 100_000,
      "WebSocket connections (/ws and GraphQL) open at once on this node; beyond, new ones are closed with 4009. 0: no limit.");
  public static final Setting<Long> WS_MAX_LIFETIME_MS = Setting.longValue("ws.max_lifetime_ms", 14_400_000,
      "A connection is closed with 4010 after this long (less up to 10 % jitter); the client reconnects and recovers. 0: none.");
  public static final Setting<Long> WS_WRITE_TIMEOUT_MS = Setting.longValue("ws.write_timeout_ms", 60_000,
      "A connection whose pending output has not moved for this long (the peer stopped reading) is dropped (4008). 0: none.");

  public static final Setting<Integer> GRAPHQL_MAX_DEPTH = Setting.integer("graphql.max_depth", 7,
      "Deepest field nesting a GraphQL operation may have.");
  public static final Setting<Integer> GRAPHQL_MAX_COMPLEXITY = Setting.integer("graphql.max_complexity", 1_000,
      "Largest GraphQL operation complexity: 1 per field, a list field's children count `limit` times (10 without one).");
  public static final Setting<Integer> GRAPHQL_MAX_FIELDS = Setting.integer("graphql.max_fields", 100,
      "Most fields (after expanding fragments) one GraphQL operation may select.");
  public static final Setting<Integer> GRAPHQL_MAX_ALIASES = Setting.integer("graphql.max_aliases", 15,
      "Most aliased fields in one GraphQL operation.");
  public static final Setting<Integer> GRAPHQL_MAX_SUBSCRIPTIONS = Setting.integer("graphql.max_subscriptions", 100,
      "Subscriptions one graphql-transport-ws connection may run at once.");
  public static final Setting<Boolean> GRAPHQL_INTROSPECTION = Setting.bool("graphql.introspection", true,
      "Whether GraphQL introspection (__schema, __type) is answered.");
  public static final Setting<Long> GRAPHQL_INIT_TIMEOUT_MS = Setting.longValue("graphql.init_timeout_ms", 3_000,
      "A graphql-transport-ws connection must send connection_init within this time, or is closed with 4408.");

  public static final List<Setting<?>> SETTINGS = List.of(PORT, HOST, NODE_ID, GATEWAY_INSTANCES, BROKER_SHARDS,
      WS_MAX_FRAME_BYTES, MAX_DATA_BYTES, WS_OUTBOUND_QUEUE_BYTES, WS_MAX_SUBSCRIPTIONS, WS_PING_INTERVAL_MS,
      WS_PONG_TIMEOUT_MS, HTTP_MAX_BODY_BYTES, API_KEY, HISTORY_DEFAULT_LIMIT, SHUTDOWN_DRAIN_MS,
      NAMESPACE_HISTORY_SIZE, NAMESPACE_HISTORY_TTL_MS, NAMESPACE_CLIENT_PUBLISH, NAMESPACE_PRESENCE,
      NAMESPACE_JOIN_LEAVE, GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_COMPLEXITY, GRAPHQL_MAX_FIELDS, GRAPHQL_MAX_ALIASES,
      GRAPHQL_MAX_SUBSCRIPTIONS, GRAPHQL_INTROSPECTION, GRAPHQL_INIT_TIMEOUT_MS,
      WS_ALLOWED_ORIGINS, WS_ALLOW_MISSING_ORIGIN, WS_PUBLISH_RATE, WS_PUBLISH_BURST, WS_PUBLISH_MAX_REJECTIONS,
      WS_CONNECT_RATE_PER_IP, WS_CONNECT_BURST_PER_IP, WS_CONNECT_RATE_EXEMPT_LOOPBACK, WS_MAX_CONNECTIONS,
      WS_MAX_LIFETIME_MS, WS_WRITE_TIMEOUT_MS);

  /** Key of the per-namespace overrides object: {@code {"chat": {"history_size": 50}}}. */
  public static final String NAMESPACES_KEY = "namespaces";
  public static final String NAMESPACES_ENV = "HERALD_NAMESPACES";

  private final Map<Setting<?>, Object> values;
  private final Namespaces namespaces;

  private HeraldConfig(Map<Setting<?>, Object> values, JsonObject namespaces) {
    this.values = values;
    this.namespaces = new Namespaces(this, namespaces);
  }

  public static HeraldConfig defaults() {
    return load(new JsonObject(), Map.of(), Map.of());
  }

  /**
   * Builds the configuration from its layers.
   *
   * @param file      the config file's JSON (dotted keys, plus {@code namespaces}); empty for none
   * @param env       the environment ({@code HERALD_*} variables are read)
   * @param overrides command-line values by key, highest precedence
   * @throws IllegalArgumentException naming the key of an unknown or invalid value
   */
  public static HeraldConfig load(JsonObject file, Map<String, String> env, Map<String, String> overrides) {
    Map<String, Setting<?>> byKey = new HashMap<>();
    SETTINGS.forEach(s -> byKey.put(s.key(), s));
    Map<Setting<?>, Object> values = new HashMap<>();
    SETTINGS.forEach(s -> values.put(s, s.defaultValue()));
    JsonObject namespaces = new JsonObject();

    for (Map.Entry<String, Object> e : file) {
      if (NAMESPACES_KEY.equals(e.getKey())) {
        namespaces = asObject(e.getValue());
      } else {
        Setting<?> s = known(byKey, e.getKey());
        values.put(s, s.convert(e.getValue()));
      }
    }
    for (Setting<?> s : SETTINGS) {
      String v = env.get(s.envName());
      if (v != null) {
        values.put(s, s.convert(v));
      }
    }
    if (env.containsKey(NAMESPACES_ENV)) {
      namespaces = asObject(env.get(NAMESPACES_ENV));
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (NAMESPACES_KEY.equals(e.getKey())) {
        namespaces = asObject(e.getValue());
      } else {
        Setting<?> s = known(byKey, e.getKey());
        values.put(s, s.convert(e.getValue()));
      }
    }
    return new HeraldConfig(values, namespaces);
  }

  private static Setting<?> known(Map<String, Setting<?>> byKey, String key) {
    Setting<?> s = byKey.get(key);
    if (s == null) {
      throw new IllegalArgumentException("unknown configuration key: " + key);
    }
    return s;
  }

  private static JsonObject asObject(Object raw) {
    if (raw instanceof JsonObject o) {
      return o;
    }
    if (raw instanceof String s) {
      try {
        return new JsonObject(s);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(NAMESPACES_KEY + ": not a JSON object");
      }
    }
    throw new IllegalArgumentException(NAMESPACES_KEY + ": not a JSON object");
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) values.get(setting);
  }

  /** A copy with one value replaced (tests and the launcher use it). */
  public <T> HeraldConfig with(Setting<T> setting, T value) {
    Map<Setting<?>, Object> copy = new HashMap<>(values);
    copy.put(setting, value);
    return new HeraldConfig(copy, namespaces.overrides());
  }

  public HeraldConfig withNamespaces(JsonObject overrides) {
    return new HeraldConfig(values, overrides);
  }

  public Namespaces namespaces() {
    return namespaces;
  }
}
