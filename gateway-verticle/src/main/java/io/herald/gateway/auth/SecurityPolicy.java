package io.herald.gateway.auth;

import io.herald.core.config.HeraldConfig;

import java.util.ArrayList;
import java.util.List;

/** Production mode's requirements, and the list of protections that are off (printed at start). */
public final class SecurityPolicy {

  private SecurityPolicy() {
  }

  public static boolean production(HeraldConfig config) {
    return config.get(HeraldConfig.PRODUCTION);
  }

  /** Client connections must authenticate: {@code auth.required}, or production mode. */
  public static boolean authRequired(HeraldConfig config) {
    return config.get(HeraldConfig.AUTH_REQUIRED) || production(config);
  }

  /** GraphQL introspection is answered: {@code graphql.introspection}, never in production mode. */
  public static boolean introspection(HeraldConfig config) {
    return config.get(HeraldConfig.GRAPHQL_INTROSPECTION) && !production(config);
  }

  public static boolean hasApiKey(HeraldConfig config) {
    return !config.get(HeraldConfig.API_KEY).isBlank() || !config.get(HeraldConfig.API_KEYS).replace(",", "").isBlank()
        || !config.get(HeraldConfig.API_KEYS_FILE).isBlank();
  }

  public static boolean hasJwtKey(HeraldConfig config) {
    return !config.get(HeraldConfig.AUTH_HMAC_SECRET).isEmpty() || !config.get(HeraldConfig.AUTH_PUBLIC_KEYS).isBlank()
        || !config.get(HeraldConfig.AUTH_PUBLIC_KEY_FILE).isBlank() || !config.get(HeraldConfig.AUTH_JWKS_FILE).isBlank();
  }

  /** What production mode misses; empty when it may start (or when not in production mode). */
  public static List<String> productionProblems(HeraldConfig config) {
    List<String> problems = new ArrayList<>();
    if (production(config)) {
      if (!hasApiKey(config)) {
        problems.add("no API key (set api.key / HERALD_API_KEY, api.keys or api.keys_file)");
      }
      if (!hasJwtKey(config)) {
        problems.add("no JWT key (set auth.hmac_secret, auth.public_keys, auth.public_key_file or auth.jwks_file)");
      }
    }
    return problems;
  }

  /** @throws IllegalArgumentException in production mode without the keys it needs */
  public static void check(HeraldConfig config) {
    List<String> problems = productionProblems(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("production mode refuses to start: " + String.join("; ", problems));
    }
  }

  /** The protections that are off, one line each, for the startup banner. */
  public static List<String> warnings(HeraldConfig config) {
    List<String> off = new ArrayList<>();
    if (!hasApiKey(config)) {
      off.add("HTTP API open: no API key (HERALD_API_KEY); anyone who reaches the port can publish and disconnect");
    }
    if (!hasJwtKey(config)) {
      off.add("client auth OFF: no JWT key (HERALD_AUTH_HMAC_SECRET, ...); every WebSocket client is anonymous and unchecked");
    } else if (!authRequired(config)) {
      off.add("client auth optional: connections without a token are accepted as anonymous (auth.required=false)");
    }
    if (config.get(HeraldConfig.ADMIN_PORT) == 0) {
      off.add("/api/* and /metrics are on the public port (admin.port=0)");
    }
    if (introspection(config)) {
      off.add("GraphQL introspection on (graphql.introspection=true)");
    }
    if (!production(config)) {
      off.add("not in production mode (--production): it would refuse to start without these keys");
    }
    return off;
  }
}
