package io.herald.core.config;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Herald's whole configuration, layered: defaults < config file < environment ({@code HERALD_*})
 * < command-line overrides. Every limit is a {@link Setting} listed in {@link #SETTINGS}; per-namespace
 * channel options live under {@code namespaces} (see {@link Namespaces}).
 */
public final class HeraldConfig {

  public static final Setting<Integer> PORT = Setting.integer("port", 8080,
      "Public port: /ws, /graphql, /api/*, /metrics, /health/*, the web console at /.");
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
  public static final Setting<Long> HTTP_HEADER_TIMEOUT_MS = Setting.longValue("http.header_timeout_ms", 10_000,
      "A request's head must arrive whole within this long of the connection's accept (or of its first byte after a response), however it trickles; else 408 and close. 0: none.");
  public static final Setting<Long> HTTP_BODY_TIMEOUT_MS = Setting.longValue("http.body_timeout_ms", 30_000,
      "A request's body must arrive whole within this long of its head; else the connection is closed. 0: none.");
  public static final Setting<Long> HTTP_IDLE_TIMEOUT_MS = Setting.longValue("http.idle_timeout_ms", 30_000,
      "A kept-alive HTTP connection that starts no new request for this long after a response is closed. 0: none.");
  public static final Setting<Integer> HTTP_MAX_CONNECTIONS = Setting.integer("http.max_connections", 10_000,
      "HTTP connections (not yet upgraded to WebSocket) open at once on the public port; beyond, 503 and close. 0: no limit.");
  public static final Setting<Integer> HTTP_MAX_CONNECTIONS_PER_IP = Setting.integer("http.max_connections_per_ip", 256,
      "HTTP connections (not yet upgraded) open at once from one address (IPv6: one /64); beyond, 429 and close. 0: no limit.");
  public static final Setting<String> HTTP_TRUSTED_PROXIES = Setting.string("http.trusted_proxies", "",
      "Comma-separated addresses or CIDRs of reverse proxies: only from them is X-Forwarded-For believed (right-most untrusted entry). Empty: none.");
  public static final Setting<String> HTTP_ALLOWED_HOSTS = Setting.string("http.allowed_hosts", "",
      "Comma-separated Host header values (host or host:port) the public port answers; others get 421. Empty: any.");
  public static final Setting<Boolean> HTTP_H2C = Setting.bool("http.h2c", false,
      "Whether HTTP/2 over cleartext (h2c upgrade and prior knowledge) is served on the public port.");
  public static final Setting<Integer> LIMITS_MAX_TRACKED_ADDRESSES = Setting.integer("limits.max_tracked_addresses", 100_000,
      "Most client addresses each per-address table tracks; beyond, a new address is let through untracked.");
  public static final Setting<String> API_KEY = Setting.string("api.key", "",
      "When set, /api/* requires `Authorization: Bearer <key>`. Prefer the environment variable to a file.");
  public static final Setting<String> API_KEYS = Setting.string("api.keys", "",
      "More API keys, comma-separated; any of them (or api.key) is accepted. For rotation: add the new key, then drop the old.");
  public static final Setting<String> API_KEYS_FILE = Setting.string("api.keys_file", "",
      "File with API keys, one per line (# comments); re-read when it changes, so keys rotate without a restart.");
  public static final Setting<Long> API_KEYS_RELOAD_MS = Setting.longValue("api.keys_reload_ms", 5_000,
      "How often api.keys_file is checked for changes.");
  public static final Setting<Integer> API_MAX_BATCH = Setting.integer("api.max_batch", 1_000,
      "Most messages in one `POST /api/publish` batch (`{\"messages\": [...]}`): 400 `bad_request` beyond.");
  public static final Setting<Long> PUBLISH_IDEMPOTENCY_WINDOW_MS = Setting.longValue("publish.idempotency_window_ms", 300_000,
      "How long a channel remembers a publish's `idempotency_key`: a repeat within it, on any node, is answered with the first result and `\"duplicate\": true`, and not published again.");
  public static final Setting<Integer> PUBLISH_IDEMPOTENCY_MAX_KEYS = Setting.integer("publish.idempotency_max_keys", 10_000,
      "Most idempotency keys one channel remembers; beyond, its oldest are forgotten early. Their bytes count against broker.max_history_bytes.");
  public static final Setting<Integer> ADMIN_PORT = Setting.integer("admin.port", 0,
      "When not 0, /api/* and /metrics are served on this port only (not on the public port).");
  public static final Setting<String> ADMIN_HOST = Setting.string("admin.host", "127.0.0.1",
      "Interface the admin port binds to.");
  public static final Setting<Boolean> PRODUCTION = Setting.bool("production", false,
      "Production mode: refuses to start without an API key and a JWT key, requires client auth, turns introspection and the web console off.");
  public static final Setting<Boolean> CONSOLE_ENABLED = Setting.bool("console.enabled", true,
      "Serve the web console at GET / (and /console/*). In production mode off unless set to true explicitly.");
  public static final Setting<Boolean> AUTH_REQUIRED = Setting.bool("auth.required", false,
      "Every client connection must present a valid JWT (within auth.timeout_ms); otherwise tokens are optional.");
  public static final Setting<Long> AUTH_TIMEOUT_MS = Setting.longValue("auth.timeout_ms", 5_000,
      "With auth.required, a connection that has not authenticated within this time is closed with 4001 \"auth timeout\".");
  public static final Setting<String> AUTH_HMAC_SECRET = Setting.string("auth.hmac_secret", "",
      "HS256 secret that client tokens may be signed with. Prefer the environment variable.");
  public static final Setting<String> AUTH_PUBLIC_KEYS = Setting.string("auth.public_keys", "",
      "PEM public keys (RSA: RS256, EC P-256: ES256) client tokens may be signed with; several PEM blocks allowed.");
  public static final Setting<String> AUTH_PUBLIC_KEY_FILE = Setting.string("auth.public_key_file", "",
      "A PEM file of public keys, as auth.public_keys.");
  public static final Setting<String> AUTH_JWKS_FILE = Setting.string("auth.jwks_file", "",
      "A JWKS file ({\"keys\": [...]}) of keys client tokens may be signed with.");
  public static final Setting<String> AUTH_AUDIENCE = Setting.string("auth.audience", "",
      "When set, a token's `aud` must contain it.");
  public static final Setting<String> AUTH_ISSUER = Setting.string("auth.issuer", "",
      "When set, a token's `iss` must equal it.");
  public static final Setting<Boolean> AUTH_REQUIRE_EXP = Setting.bool("auth.require_exp", false,
      "Client tokens (connection and subscription tokens) must carry exp, else 4001 \"missing exp claim\"; always on in production mode.");
  public static final Setting<Integer> AUTH_LEEWAY_S = Setting.integer("auth.leeway_s", 5,
      "Clock skew allowed when checking `exp` and `nbf`.");
  public static final Setting<Integer> AUTH_MAX_CONNECTIONS_PER_USER = Setting.integer("auth.max_connections_per_user", 0,
      "Connections one user (token `sub`) may hold on a node; 0 = unlimited. Beyond: close 4009.");
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
  public static final Setting<Boolean> NAMESPACE_HISTORY = Setting.bool("namespace.history", true,
      "Default: clients may read a channel's history (history requests, and subscribes with since, which replay it).");
  public static final Setting<Boolean> NAMESPACE_PRESENCE_USERS = Setting.bool("namespace.presence_users", false,
      "Default: anonymous clients see the users (token sub) of presence replies and join/leave pushes; otherwise user is null for them.");
  public static final Setting<Boolean> NAMESPACE_JOIN_LEAVE = Setting.bool("namespace.join_leave", false,
      "Default: subscribers get `join`/`leave` pushes.");
  public static final Setting<Boolean> NAMESPACE_CACHE = Setting.bool("namespace.cache", false,
      "Default: a new subscriber (without since) first receives the channel's latest message, then live ones.");
  public static final Setting<Integer> NAMESPACE_BATCH_MS = Setting.integer("namespace.batch_ms", 0,
      "Default: how long (ms, at most 1000) a connection's deliveries may wait to go out together: one write, and one "
          + "`messages` frame for /ws clients that ask for it. 0: at once.");
  public static final Setting<Integer> NAMESPACE_MAX_RATE = Setting.integer("namespace.max_rate", 0,
      "Default: the most messages per second one subscription receives; faster ones are conflated (the latest goes "
          + "out, with `skipped`). 0: every message.");

  public static final Setting<String> WS_ALLOWED_ORIGINS = Setting.string("ws.allowed_origins", "",
      "Comma-separated origins that may open WebSockets (https://app.example.com, https://*.example.com); "
          + "others get 403 before the upgrade. Empty: any origin (set it in production).");
  public static final Setting<Boolean> WS_ALLOW_MISSING_ORIGIN = Setting.bool("ws.allow_missing_origin", true,
      "Whether an upgrade without an Origin header (not from a browser: backends, apps, tools) is allowed.");
  public static final Setting<Integer> WS_PUBLISH_RATE = Setting.integer("ws.publish_rate", 500,
      "Messages per second one connection may publish (token bucket); beyond: error `rate_limited`. 0: no limit.");
  public static final Setting<Integer> WS_PUBLISH_BURST = Setting.integer("ws.publish_burst", 1_000,
      "Publishes one connection may make at once above ws.publish_rate (the bucket's size).");
  public static final Setting<Integer> WS_READ_BYTES_RATE = Setting.integer("ws.read_bytes_rate", 1_048_576,
      "Bytes of frames per second the node reads from one WebSocket (/ws and GraphQL, data and control frames; token bucket); beyond, it stops reading that socket until the budget refills (TCP backpressure: nothing is refused). 0: no limit.");
  public static final Setting<Integer> WS_READ_BYTES_BURST = Setting.integer("ws.read_bytes_burst", 65_536,
      "Bytes one WebSocket may send at once above ws.read_bytes_rate (the bucket's size).");
  public static final Setting<Integer> WS_PUBLISH_MAX_REJECTIONS = Setting.integer("ws.publish_max_rejections", 100,
      "A connection refused more than this many publishes within 10 s is closed with 1008.");
  public static final Setting<Integer> HTTP_PUBLISH_RATE_MAX_KEYS = Setting.integer("http.publish_rate_max_keys", 10_000,
      "Users and IP addresses whose publish rate over HTTP the node tracks at once; beyond, the least recently seen is forgotten.");
  public static final Setting<Boolean> HTTP_PUBLISH_RATE_EXEMPT_LOOPBACK = Setting.bool("http.publish_rate_exempt_loopback", true,
      "Whether anonymous publishes over HTTP from loopback addresses (a local proxy or load tool) are exempt from the per-IP publish rate.");
  public static final Setting<Integer> WS_CONNECT_RATE_PER_IP = Setting.integer("ws.connect_rate_per_ip", 20,
      "New WebSocket connections per second from one IP address; beyond: HTTP 429 before the upgrade. 0: no limit.");
  public static final Setting<Integer> WS_CONNECT_BURST_PER_IP = Setting.integer("ws.connect_burst_per_ip", 100,
      "New WebSocket connections one IP address may open at once above ws.connect_rate_per_ip.");
  public static final Setting<Boolean> WS_CONNECT_RATE_EXEMPT_LOOPBACK = Setting.bool("ws.connect_rate_exempt_loopback", true,
      "Whether loopback addresses (a local proxy or load tool) are exempt from the per-address limits (connect rate, open connections).");
  public static final Setting<Integer> WS_MAX_CONNECTIONS_PER_IP = Setting.integer("ws.max_connections_per_ip", 1_000,
      "WebSockets (/ws and GraphQL) open at once from one client address (IPv6: one /64); beyond, close 4009. 0: no limit.");
  public static final Setting<Integer> WS_MAX_CONNECTIONS = Setting.integer("ws.max_connections", 100_000,
      "WebSocket connections (/ws and GraphQL) open at once on this node; beyond, new ones are closed with 4009. 0: no limit.");
  public static final Setting<Long> WS_MAX_LIFETIME_MS = Setting.longValue("ws.max_lifetime_ms", 14_400_000,
      "A connection is closed with 4010 after this long (less up to 10 % jitter); the client reconnects and recovers. 0: none.");
  public static final Setting<Long> WS_WRITE_TIMEOUT_MS = Setting.longValue("ws.write_timeout_ms", 60_000,
      "A connection whose pending output has not moved for this long (the peer stopped reading) is dropped (4008). 0: none.");

  public static final Setting<Integer> WS_NEW_CHANNEL_RATE = Setting.integer("ws.new_channel_rate", 10,
      "Channels per second one connection may create (a publish or subscribe to a channel the node does not hold); beyond: `rate_limited`. 0: no limit.");
  public static final Setting<Integer> WS_NEW_CHANNEL_BURST = Setting.integer("ws.new_channel_burst", 100,
      "Channels one connection may create at once above ws.new_channel_rate (the bucket's size).");
  public static final Setting<Integer> WS_REQUEST_RATE = Setting.integer("ws.request_rate", 100,
      "history, presence, subscribe and token-bearing requests (connect, refresh, sub_refresh; a GraphQL ping's tokens) per second one connection may make (token bucket); beyond: `rate_limited`. 0: no limit.");
  public static final Setting<Integer> WS_REQUEST_BURST = Setting.integer("ws.request_burst", 1_100,
      "Such requests one connection may make at once above ws.request_rate (the bucket's size).");
  public static final Setting<Integer> WS_MAX_REPLY_BYTES = Setting.integer("ws.max_reply_bytes", 524_288,
      "Largest history reply (its messages' JSON) on /ws; a longer one is cut to fewer messages and says `truncated`.");
  public static final Setting<Long> BROKER_MAX_HISTORY_BYTES = Setting.longValue("broker.max_history_bytes", 0,
      "History bytes (data + per-message overhead) a node retains over all channels; beyond, the least recently published channels lose their oldest messages. 0: a quarter of the max heap.");
  public static final Setting<Integer> BROKER_MAX_CHANNELS = Setting.integer("broker.max_channels", 100_000,
      "Channels a node holds state for (in a cluster: owns); a publish or subscribe that would create one more gets `too_many_channels`.");

  public static final Setting<Integer> GRAPHQL_MAX_DEPTH = Setting.integer("graphql.max_depth", 7,
      "Deepest field nesting a GraphQL operation may have.");
  public static final Setting<Integer> GRAPHQL_MAX_COMPLEXITY = Setting.integer("graphql.max_complexity", 1_000,
      "Largest GraphQL operation complexity: 1 per field, a list field's children count `limit` times (10 without one).");
  public static final Setting<Integer> GRAPHQL_MAX_FIELDS = Setting.integer("graphql.max_fields", 100,
      "Most fields (after expanding fragments) one GraphQL operation may select.");
  public static final Setting<Integer> GRAPHQL_MAX_ALIASES = Setting.integer("graphql.max_aliases", 15,
      "Most aliased fields in one GraphQL operation.");
  public static final Setting<Integer> GRAPHQL_MAX_FRAGMENT_DEPTH = Setting.integer("graphql.max_fragment_depth", 10,
      "Deepest nesting of fragment spreads (a fragment spreading a fragment ...) in one GraphQL operation.");
  public static final Setting<Integer> GRAPHQL_MAX_SUBSCRIPTIONS = Setting.integer("graphql.max_subscriptions", 100,
      "Subscriptions one graphql-transport-ws connection may run at once.");
  public static final Setting<Boolean> GRAPHQL_INTROSPECTION = Setting.bool("graphql.introspection", true,
      "Whether GraphQL introspection (__schema, __type) is answered.");
  public static final Setting<Long> GRAPHQL_INIT_TIMEOUT_MS = Setting.longValue("graphql.init_timeout_ms", 3_000,
      "A graphql-transport-ws connection must send connection_init within this time, or is closed with 4408.");

  public static final Setting<String> PROXY_CONNECT_URL = Setting.string("proxy.connect_url", "",
      "Connect hook: POSTed before `connected` on /ws, SSE and GraphQL; it admits (names the user), refuses or disconnects. Empty: off.");
  public static final Setting<String> PROXY_REFRESH_URL = Setting.string("proxy.refresh_url", "",
      "Refresh hook: POSTed when a connection the connect hook gave an `expire_at` expires; a new `expire_at` keeps it open. Empty: off (it closes).");
  public static final Setting<String> PROXY_SUBSCRIBE_URL = Setting.string("proxy.subscribe_url", "",
      "Subscribe hook: POSTed before a subscription to a channel of a namespace with `proxy_subscribe` is added. Empty: off.");
  public static final Setting<String> PROXY_PUBLISH_URL = Setting.string("proxy.publish_url", "",
      "Publish hook: POSTed before a client's publish to a channel of a namespace with `proxy_publish`; it may replace `data`. Empty: off.");
  public static final Setting<Long> PROXY_TIMEOUT_MS = Setting.longValue("proxy.timeout_ms", 3_000,
      "A hook call not answered within this time fails (`internal`, unless the namespace fails open).");
  public static final Setting<String> PROXY_HEADERS = Setting.string("proxy.headers", "Authorization,Cookie,Origin,User-Agent",
      "Comma-separated request headers (of the upgrade or event-stream request) the connect hook gets in `headers`; others are never sent.");
  public static final Setting<Integer> PROXY_MAX_CONCURRENCY = Setting.integer("proxy.max_concurrency", 1_000,
      "Hook calls in flight at once on a node; beyond, the operation is refused at once (`internal` \"backend busy\"), never queued.");
  public static final Setting<Integer> PROXY_MAX_RESPONSE_BYTES = Setting.integer("proxy.max_response_bytes", 65_536,
      "Largest hook answer body read; a larger one is a failed call.");
  public static final Setting<Integer> PROXY_BREAKER_FAILURES = Setting.integer("proxy.breaker_failures", 5,
      "Consecutive failed hook calls (error, timeout, bad answer) that open the circuit breaker: calls are then refused without being made. 0: no breaker.");
  public static final Setting<Long> PROXY_BREAKER_RESET_MS = Setting.longValue("proxy.breaker_reset_ms", 5_000,
      "How long the open breaker refuses calls before it lets one through as a trial; its success closes the breaker.");

  public static final Setting<Boolean> CLUSTER = Setting.bool("cluster", false,
      "Start as a member of a Hazelcast cluster (history and presence shared, with a backup); `--cluster` sets it.");
  public static final Setting<String> CLUSTER_CONFIG = Setting.string("cluster.config", "",
      "Hazelcast member config (XML or YAML); empty: `cluster.xml` in the working directory, else the copy in the jar.");
  public static final Setting<String> CLUSTER_NAME = Setting.string("cluster.name", "",
      "Overrides the cluster name of the Hazelcast config: only members with the same name join each other.");
  public static final Setting<Integer> CLUSTER_PORT = Setting.integer("cluster.port", 0,
      "Overrides the first Hazelcast member port (it auto-increments when taken); 0 keeps the config's (5701).");
  public static final Setting<String> CLUSTER_MEMBERS = Setting.string("cluster.members", "",
      "Overrides the join of the Hazelcast config: TCP-IP to these comma-separated host[:port] (other join mechanisms off).");
  public static final Setting<String> CLUSTER_HOST = Setting.string("cluster.host", "127.0.0.1",
      "IP address the Hazelcast member port and the event bus bind to and announce (never the wildcard); on Kubernetes the pod IP.");
  public static final Setting<Integer> CLUSTER_BUS_PORT = Setting.integer("cluster.bus_port", 0,
      "Event-bus port between members; 0 picks a free one (several nodes on one machine). Fixed on Kubernetes for the NetworkPolicy.");
  public static final Setting<Integer> CLUSTER_QUORUM = Setting.integer("cluster.quorum", 0,
      "Members a node must see, itself included, to sequence (a majority of the cluster's size, at most 7); 0: no split-brain protection.");
  public static final Setting<String> CLUSTER_TLS_KEY_FILE = Setting.string("cluster.tls.key_file", "",
      "PEM private key of this member for event-bus TLS; set with cluster.tls.cert_file and cluster.tls.ca_file, or none of them.");
  public static final Setting<String> CLUSTER_TLS_CERT_FILE = Setting.string("cluster.tls.cert_file", "",
      "PEM certificate (chain) of this member for event-bus TLS, signed by the cluster's CA.");
  public static final Setting<String> CLUSTER_TLS_CA_FILE = Setting.string("cluster.tls.ca_file", "",
      "PEM CA certificate(s) a member's certificate must be signed by: both ends of every event-bus connection are checked.");
  public static final Setting<Long> HEALTH_CANARY_INTERVAL_MS = Setting.longValue("health.canary_interval_ms", 5_000,
      "How often the node publishes a probe to itself through the broker; readiness follows whether it comes back.");
  public static final Setting<Long> HEALTH_CANARY_TIMEOUT_MS = Setting.longValue("health.canary_timeout_ms", 5_000,
      "A probe not back within this time makes /health/ready answer 503 until one is.");

  public static final Setting<String> WEBHOOKS_URL = Setting.string("webhooks.url", "",
      "The backend's URL (http or https) that receives webhook events as JSON POSTs (docs/protocol.md, Webhooks). Empty: webhooks off.");
  public static final Setting<String> WEBHOOKS_SECRET = Setting.string("webhooks.secret", "",
      "Key of the X-Herald-Signature HMAC-SHA256 of each webhook body; required with webhooks.url. Prefer the environment variable.");
  public static final Setting<String> WEBHOOKS_EVENTS = Setting.string("webhooks.events", "channel_occupied,channel_vacated",
      "Comma-separated event types sent: channel_occupied, channel_vacated, join, leave, connect, disconnect. An unknown one stops the node.");
  public static final Setting<Long> WEBHOOKS_TIMEOUT_MS = Setting.longValue("webhooks.timeout_ms", 5_000,
      "A webhook POST not answered (status and body) within this long fails, and is retried; also bounds a stopping node's last attempts.");
  public static final Setting<Integer> WEBHOOKS_BATCH_MAX = Setting.integer("webhooks.batch_max", 100,
      "Most events in one webhook POST.");
  public static final Setting<Long> WEBHOOKS_BATCH_MS = Setting.longValue("webhooks.batch_ms", 100,
      "How long the first queued event waits for others to go in the same POST. 0: at once.");
  public static final Setting<Integer> WEBHOOKS_QUEUE_MAX = Setting.integer("webhooks.queue_max", 10_000,
      "Events a node holds for the webhook (besides the batch being sent); beyond, new events are dropped and counted.");
  public static final Setting<Integer> WEBHOOKS_MAX_RETRIES = Setting.integer("webhooks.max_retries", 5,
      "Retries of a batch that failed (no 2xx, refused connection, timeout); after the last one it is dropped and counted.");
  public static final Setting<Long> WEBHOOKS_RETRY_INITIAL_MS = Setting.longValue("webhooks.retry_initial_ms", 200,
      "Pause before a failed batch's first retry; it doubles with each further retry, up to webhooks.retry_max_ms.");
  public static final Setting<Long> WEBHOOKS_RETRY_MAX_MS = Setting.longValue("webhooks.retry_max_ms", 10_000,
      "Longest pause between two attempts of a batch.");

  public static final Setting<String> LOG_FORMAT = Setting.choice("log.format", "text",
      "How the node writes its log to standard error: `text` (time, level, logger, message, key=value pairs) or `json` "
          + "(one JSON object a line: timestamp, level, logger, message, node, the event's fields; docs/deploy.md, Logs).",
      List.of("text", "json"));
  public static final Setting<String> LOG_LEVEL = Setting.choice("log.level", "info",
      "Least level logged: trace, debug, info, warn, error or off (Netty and Hazelcast: warn unless log.levels says otherwise).",
      LogLevels.NAMES);
  public static final Setting<String> LOG_LEVELS = Setting.string("log.levels", "",
      "Levels per logger (a package or a class, and those below it), comma-separated logger=level: "
          + "`io.herald.limits=warn,com.hazelcast=info`. An unknown level stops the node.", LogLevels::check);
  public static final Setting<Boolean> TRACING_ENABLED = Setting.bool("tracing.enabled", false,
      "OpenTelemetry tracing: a publish over HTTP is one trace across the event bus, the sequencer and each node's fan-out (docs/deploy.md, Tracing). Off: no tracer is installed.");
  public static final Setting<String> TRACING_OTLP_ENDPOINT = Setting.string("tracing.otlp_endpoint", "http://localhost:4318",
      "Where spans go, over OTLP/HTTP (protobuf): a collector's base URL (`/v1/traces` is added) or its full traces URL; http or https.");
  public static final Setting<Double> TRACING_SAMPLE_RATIO = Setting.ratio("tracing.sample_ratio", 1.0,
      "Share (0 to 1, by trace id) of HTTP requests traced; the spans a traced request leads to on every node go with it. Health probes and /metrics never.");

  public static final List<Setting<?>> SETTINGS = List.of(PORT, HOST, NODE_ID, GATEWAY_INSTANCES, BROKER_SHARDS,
      WS_MAX_FRAME_BYTES, MAX_DATA_BYTES, WS_OUTBOUND_QUEUE_BYTES, WS_MAX_SUBSCRIPTIONS, WS_PING_INTERVAL_MS,
      WS_PONG_TIMEOUT_MS, HTTP_MAX_BODY_BYTES, API_KEY, API_KEYS, API_KEYS_FILE, API_KEYS_RELOAD_MS, API_MAX_BATCH, ADMIN_PORT,
      ADMIN_HOST, PRODUCTION, CONSOLE_ENABLED, AUTH_REQUIRED, AUTH_TIMEOUT_MS, AUTH_HMAC_SECRET, AUTH_PUBLIC_KEYS, AUTH_PUBLIC_KEY_FILE,
      AUTH_JWKS_FILE, AUTH_AUDIENCE, AUTH_ISSUER, AUTH_REQUIRE_EXP, AUTH_LEEWAY_S, AUTH_MAX_CONNECTIONS_PER_USER,
      HISTORY_DEFAULT_LIMIT, SHUTDOWN_DRAIN_MS,
      PUBLISH_IDEMPOTENCY_WINDOW_MS, PUBLISH_IDEMPOTENCY_MAX_KEYS,
      NAMESPACE_HISTORY_SIZE, NAMESPACE_HISTORY_TTL_MS, NAMESPACE_CLIENT_PUBLISH, NAMESPACE_PRESENCE,
      NAMESPACE_HISTORY, NAMESPACE_PRESENCE_USERS, NAMESPACE_JOIN_LEAVE, NAMESPACE_CACHE, NAMESPACE_MAX_RATE, NAMESPACE_BATCH_MS,
      GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_COMPLEXITY,
      GRAPHQL_MAX_FIELDS, GRAPHQL_MAX_ALIASES, GRAPHQL_MAX_FRAGMENT_DEPTH, GRAPHQL_MAX_SUBSCRIPTIONS, GRAPHQL_INTROSPECTION,
      GRAPHQL_INIT_TIMEOUT_MS, CLUSTER, CLUSTER_CONFIG,
      CLUSTER_NAME, CLUSTER_PORT, CLUSTER_MEMBERS, CLUSTER_HOST, CLUSTER_BUS_PORT, CLUSTER_QUORUM, CLUSTER_TLS_KEY_FILE,
      CLUSTER_TLS_CERT_FILE, CLUSTER_TLS_CA_FILE, HEALTH_CANARY_INTERVAL_MS, HEALTH_CANARY_TIMEOUT_MS,
      WS_ALLOWED_ORIGINS, WS_ALLOW_MISSING_ORIGIN, WS_PUBLISH_RATE, WS_PUBLISH_BURST, WS_READ_BYTES_RATE, WS_READ_BYTES_BURST, WS_PUBLISH_MAX_REJECTIONS,
      HTTP_PUBLISH_RATE_MAX_KEYS, HTTP_PUBLISH_RATE_EXEMPT_LOOPBACK,
      WS_CONNECT_RATE_PER_IP, WS_CONNECT_BURST_PER_IP, WS_CONNECT_RATE_EXEMPT_LOOPBACK, WS_MAX_CONNECTIONS,
      WS_MAX_LIFETIME_MS, WS_WRITE_TIMEOUT_MS, WS_NEW_CHANNEL_RATE, WS_NEW_CHANNEL_BURST, WS_REQUEST_RATE,
      WS_REQUEST_BURST, WS_MAX_REPLY_BYTES, BROKER_MAX_HISTORY_BYTES, BROKER_MAX_CHANNELS,
      WS_MAX_CONNECTIONS_PER_IP, HTTP_HEADER_TIMEOUT_MS, HTTP_BODY_TIMEOUT_MS,
      HTTP_IDLE_TIMEOUT_MS, HTTP_MAX_CONNECTIONS, HTTP_MAX_CONNECTIONS_PER_IP, HTTP_TRUSTED_PROXIES, HTTP_ALLOWED_HOSTS,
      HTTP_H2C, LIMITS_MAX_TRACKED_ADDRESSES,
      WEBHOOKS_URL, WEBHOOKS_SECRET, WEBHOOKS_EVENTS, WEBHOOKS_TIMEOUT_MS, WEBHOOKS_BATCH_MAX, WEBHOOKS_BATCH_MS,
      WEBHOOKS_QUEUE_MAX, WEBHOOKS_MAX_RETRIES, WEBHOOKS_RETRY_INITIAL_MS, WEBHOOKS_RETRY_MAX_MS,
      PROXY_CONNECT_URL, PROXY_REFRESH_URL, PROXY_SUBSCRIBE_URL, PROXY_PUBLISH_URL, PROXY_TIMEOUT_MS, PROXY_HEADERS,
      PROXY_MAX_CONCURRENCY, PROXY_MAX_RESPONSE_BYTES, PROXY_BREAKER_FAILURES, PROXY_BREAKER_RESET_MS,
      LOG_FORMAT, LOG_LEVEL, LOG_LEVELS, TRACING_ENABLED, TRACING_OTLP_ENDPOINT, TRACING_SAMPLE_RATIO);

  /** Key of the per-namespace overrides object: {@code {"chat": {"history_size": 50}}}. */
  public static final String NAMESPACES_KEY = "namespaces";
  public static final String NAMESPACES_ENV = "HERALD_NAMESPACES";
  /** Prefix of the variables a node reads; any other variable with it stops the node at start. */
  public static final String ENV_PREFIX = "HERALD_";
  /**
   * {@code HERALD_*} variables that are not settings, which the node ignores: {@code HERALD_URL} (the command line's
   * node, {@code herald pub/sub}), {@code HERALD_REQUIRE_NCHAN}, {@code HERALD_REQUIRE_BROWSER},
   * {@code HERALD_REQUIRE_NODE}, {@code HERALD_REQUIRE_KUBECTL}, {@code HERALD_REQUIRE_PODMAN} and
   * {@code HERALD_REQUIRE_NETNS} (exported by .ci/run, or by a developer, so the tests that need Nchan, Chromium,
   * Node.js, kubectl, podman or network namespaces fail rather than skip;
   * inherited by the nodes those tests start, which must not refuse them as unknown settings).
   */
  public static final List<String> NON_SETTING_ENV = List.of("HERALD_URL", "HERALD_REQUIRE_NCHAN", "HERALD_REQUIRE_BROWSER",
      "HERALD_REQUIRE_NODE", "HERALD_REQUIRE_KUBECTL", "HERALD_REQUIRE_PODMAN", "HERALD_REQUIRE_NETNS");

  private final Map<Setting<?>, Object> values;
  /** The settings given a value by a layer above the defaults (file, environment, flags, {@link #with}). */
  private final Set<Setting<?>> explicit;
  private final Namespaces namespaces;

  private HeraldConfig(Map<Setting<?>, Object> values, Set<Setting<?>> explicit, JsonObject namespaces) {
    this.values = values;
    this.explicit = Set.copyOf(explicit);
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
    Set<Setting<?>> explicit = new HashSet<>();
    JsonObject namespaces = new JsonObject();

    for (Map.Entry<String, Object> e : file) {
      if (NAMESPACES_KEY.equals(e.getKey())) {
        namespaces = asObject(e.getValue());
      } else {
        Setting<?> s = known(byKey, e.getKey());
        values.put(s, s.convert(e.getValue()));
        explicit.add(s);
      }
    }
    for (String name : env.keySet()) {
      if (name.startsWith(ENV_PREFIX) && !isKnownEnv(name)) {
        throw new IllegalArgumentException("unknown environment variable " + name
            + " (not a setting; every setting's variable is listed in docs/configuration.md)");
      }
    }
    for (Setting<?> s : SETTINGS) {
      String v = env.get(s.envName());
      if (v != null) {
        values.put(s, s.convert(v));
        explicit.add(s);
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
        explicit.add(s);
      }
    }
    return new HeraldConfig(values, explicit, namespaces);
  }

  private static boolean isKnownEnv(String name) {
    return name.equals(NAMESPACES_ENV) || NON_SETTING_ENV.contains(name)
        || SETTINGS.stream().anyMatch(s -> s.envName().equals(name));
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

  /**
   * Whether {@code setting} was given a value (config file, environment, flags or {@link #with}), even one equal to
   * its default: for settings whose default depends on the mode (production mode turns some off unless set).
   */
  public boolean isSet(Setting<?> setting) {
    return explicit.contains(setting);
  }

  /** A copy with one value replaced (tests and the launcher use it); the setting counts as set. */
  public <T> HeraldConfig with(Setting<T> setting, T value) {
    Map<Setting<?>, Object> copy = new HashMap<>(values);
    copy.put(setting, value);
    Set<Setting<?>> set = new HashSet<>(explicit);
    set.add(setting);
    return new HeraldConfig(copy, set, namespaces.overrides());
  }

  public HeraldConfig withNamespaces(JsonObject overrides) {
    return new HeraldConfig(values, explicit, overrides);
  }

  public Namespaces namespaces() {
    return namespaces;
  }
}
