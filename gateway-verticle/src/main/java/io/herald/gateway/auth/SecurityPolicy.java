package io.herald.gateway.auth;

import io.herald.core.config.HeraldConfig;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Production mode's requirements, and the list of protections that are off (printed at start). */
public final class SecurityPolicy {

  /** The shortest HS256 secret production mode accepts: 256 bits, the size of the HMAC-SHA256 output (RFC 7518 3.2). */
  static final int MIN_HMAC_SECRET_BYTES = 32;

  private SecurityPolicy() {
  }

  public static boolean production(HeraldConfig config) {
    return config.get(HeraldConfig.PRODUCTION);
  }

  /** Client connections must authenticate: {@code auth.required}, or production mode. */
  public static boolean authRequired(HeraldConfig config) {
    return config.get(HeraldConfig.AUTH_REQUIRED) || production(config);
  }

  /** Client tokens (connection and subscription tokens) must carry {@code exp}: {@code auth.require_exp}, or production mode. */
  public static boolean requireExp(HeraldConfig config) {
    return config.get(HeraldConfig.AUTH_REQUIRE_EXP) || production(config);
  }

  /** GraphQL introspection is answered: {@code graphql.introspection}, never in production mode. */
  public static boolean introspection(HeraldConfig config) {
    return config.get(HeraldConfig.GRAPHQL_INTROSPECTION) && !production(config);
  }

  /**
   * The web console is served at {@code GET /}: {@code console.enabled} (default true), but in production mode only
   * when it is set to true explicitly (an operator tool has no place on a public port unless someone chose it).
   */
  public static boolean console(HeraldConfig config) {
    boolean enabled = config.get(HeraldConfig.CONSOLE_ENABLED);
    return production(config) ? enabled && config.isSet(HeraldConfig.CONSOLE_ENABLED) : enabled;
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
      problems.addAll(secretProblems(config));
    }
    return problems;
  }

  /**
   * Why a short {@code auth.hmac_secret} is refused, in every mode: an HS256 key must be at least as long as the hash
   * (RFC 7518, section 3.2), and a shorter one can be brute-forced from one token.
   */
  static String shortSecret(int bytes) {
    return HeraldConfig.AUTH_HMAC_SECRET.key() + " is " + bytes + " bytes: at least " + MIN_HMAC_SECRET_BYTES
        + " are needed (a short HS256 secret can be brute-forced from one token)";
  }

  /** {@link #shortSecret} when {@code auth.hmac_secret} is set and short, in any mode; else empty. */
  public static List<String> secretProblems(HeraldConfig config) {
    int bytes = hmacSecretBytes(config);
    return bytes > 0 && bytes < MIN_HMAC_SECRET_BYTES ? List.of(shortSecret(bytes)) : List.of();
  }

  private static int hmacSecretBytes(HeraldConfig config) {
    return config.get(HeraldConfig.AUTH_HMAC_SECRET).getBytes(StandardCharsets.UTF_8).length;
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
    } else {
      if (!authRequired(config)) {
        off.add("client auth optional: connections without a token are accepted as anonymous (auth.required=false)");
      }
      if (!requireExp(config)) {
        off.add("client tokens without exp never expire (auth.require_exp=false)");
      }
      if (config.get(HeraldConfig.AUTH_AUDIENCE).isEmpty() || config.get(HeraldConfig.AUTH_ISSUER).isEmpty()) {
        off.add("tokens' aud/iss not checked where auth.audience / auth.issuer are unset: any token of these keys is accepted");
      }
    }
    if (config.get(HeraldConfig.ADMIN_PORT) == 0) {
      off.add("/api/* and /metrics are on the public port (admin.port=0)");
    }
    if (introspection(config)) {
      off.add("GraphQL introspection on (graphql.introspection=true)");
    }
    if (production(config) && console(config)) {
      off.add("web console served at / in production mode (console.enabled=true): reach it over a private network only");
    }
    if (!production(config)) {
      off.add("not in production mode (--production): it would refuse to start without these keys");
    }
    return off;
  }
}
