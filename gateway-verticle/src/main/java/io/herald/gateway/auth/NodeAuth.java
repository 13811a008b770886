package io.herald.gateway.auth;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.limits.LimitEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's authentication state, shared by its gateway instances and protocols: the token verifier,
 * channel permissions, API keys and connections per user. Made once by the node, before its gateways, and handed
 * to each of them.
 */
public final class NodeAuth {

  private final TokenVerifier verifier;
  private final ChannelPermissions permissions;
  private final ApiKeys apiKeys;
  private final boolean required;
  private final long timeoutMs;
  private final int maxPerUser;
  private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
  private final LimitEvents log;

  private NodeAuth(Vertx vertx, HeraldConfig config, LimitEvents log) {
    SecurityPolicy.check(config);
    this.log = log;
    this.verifier = TokenVerifier.create(config);
    this.permissions = new ChannelPermissions(config.namespaces(), verifier);
    this.apiKeys = new ApiKeys(config, log);
    this.required = SecurityPolicy.authRequired(config);
    this.timeoutMs = config.get(HeraldConfig.AUTH_TIMEOUT_MS);
    this.maxPerUser = config.get(HeraldConfig.AUTH_MAX_CONNECTIONS_PER_USER);
    if (required && !verifier.enabled()) {
      throw new IllegalArgumentException(HeraldConfig.AUTH_REQUIRED.key()
          + " needs a JWT key: set auth.hmac_secret, auth.public_keys, auth.public_key_file or auth.jwks_file");
    }
    apiKeys.watch(vertx, config.get(HeraldConfig.API_KEYS_RELOAD_MS));
  }

  /**
   * The node's auth state. Reads the configured key files: call it off the event loop.
   *
   * @throws IllegalArgumentException for keys that cannot be loaded, or production mode without keys
   */
  public static NodeAuth create(Vertx vertx, HeraldConfig config, MeterRegistry registry) {
    return new NodeAuth(vertx, config, LimitEvents.of(vertx, registry));
  }

  public TokenVerifier verifier() {
    return verifier;
  }

  public ChannelPermissions permissions() {
    return permissions;
  }

  public ApiKeys apiKeys() {
    return apiKeys;
  }

  /** Whether every connection must authenticate. */
  public boolean required() {
    return required;
  }

  /** How long a connection may stay unauthenticated when auth is required. */
  public long timeoutMs() {
    return timeoutMs;
  }

  /** Counts a new connection of {@code user}; false (nothing counted) when the user has too many. */
  public boolean addConnection(String user) {
    boolean[] added = {true};
    perUser.compute(user, (u, n) -> {
      int count = n == null ? 0 : n;
      if (maxPerUser > 0 && count >= maxPerUser) {
        added[0] = false;
        return n;
      }
      return count + 1;
    });
    return added[0];
  }

  public void removeConnection(String user) {
    perUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * Logs a refused token: who and why, never the token or a message body; rate-limited and cleaned with
   * the limit events ({@link LimitEvents#authFailure}).
   */
  public void logFailure(String protocol, String client, String user, String ip, String origin, String reason) {
    log.authFailure(protocol, client, user, ip, origin, reason);
  }
}
