package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which {@code Origin} may open a WebSocket (/ws and /graphql), against cross-site WebSocket hijacking:
 * a browser sends the page's origin with every upgrade, and a page of another site must not be able to
 * use a visitor's cookies or network position to talk to the broker.
 *
 * <p>{@code ws.allowed_origins} is a comma-separated list of origins: {@code https://app.example.com},
 * {@code http://localhost:3000}, or a wildcard subdomain {@code https://*.example.com} (any subdomain, at any
 * depth, not the bare domain). Scheme and host compare case-insensitively, the port exactly (a missing port
 * is the scheme's default: 80 for http, 443 for https). An empty list allows every origin (the default,
 * announced at startup). A request without {@code Origin} is not from a browser page (browsers always send
 * one on WebSocket upgrades); {@code ws.allow_missing_origin} decides it. {@code Origin: null} (sandboxed
 * frames, file: pages) is refused whenever a list is set.
 */
public final class OriginPolicy {

  /** One allowed origin: scheme, host (or the suffix after {@code *.}), port. */
  private record Allowed(String scheme, String host, boolean wildcard, int port) {
    boolean matches(Origin o) {
      if (!scheme.equals(o.scheme) || port != o.port) {
        return false;
      }
      return wildcard ? o.host.endsWith("." + host) : host.equals(o.host);
    }
  }

  private record Origin(String scheme, String host, int port) {
  }

  private final List<Allowed> allowed;
  private final boolean allowMissing;

  OriginPolicy(List<Allowed> allowed, boolean allowMissing) {
    this.allowed = allowed;
    this.allowMissing = allowMissing;
  }

  public static OriginPolicy from(HeraldConfig config) {
    return of(config.get(HeraldConfig.WS_ALLOWED_ORIGINS), config.get(HeraldConfig.WS_ALLOW_MISSING_ORIGIN));
  }

  /**
   * Parses the list; an entry that is not an origin ({@code scheme://host[:port]}, nothing after) fails
   * with an IllegalArgumentException naming it, so that a typo stops the node instead of refusing everyone.
   */
  public static OriginPolicy of(String list, boolean allowMissing) {
    List<Allowed> allowed = new ArrayList<>();
    for (String entry : list.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      boolean wildcard = e.contains("://*.");
      Origin o = parse(wildcard ? e.replace("://*.", "://") : e);
      if (o == null) {
        throw new IllegalArgumentException(HeraldConfig.WS_ALLOWED_ORIGINS.key() + ": not an origin: " + e);
      }
      allowed.add(new Allowed(o.scheme, o.host, wildcard, o.port));
    }
    return new OriginPolicy(List.copyOf(allowed), allowMissing);
  }

  /** Whether every origin is allowed (no list configured). */
  public boolean allowsAny() {
    return allowed.isEmpty();
  }

  /** Whether an upgrade carrying this {@code Origin} header (null when absent) may proceed. */
  public boolean allows(String originHeader) {
    if (originHeader == null) {
      return allowMissing;
    }
    if (allowed.isEmpty()) {
      return true;
    }
    Origin o = parse(originHeader.trim());
    return o != null && allowed.stream().anyMatch(a -> a.matches(o));
  }

  /** {@code scheme://host[:port]} with nothing else, or null. */
  private static Origin parse(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme();
      String host = uri.getHost();
      if (scheme == null || host == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
          || uri.getRawFragment() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
        return null;
      }
      scheme = scheme.toLowerCase(Locale.ROOT);
      int port = uri.getPort() >= 0 ? uri.getPort() : switch (scheme) {
        case "http", "ws" -> 80;
        case "https", "wss" -> 443;
        default -> -1;
      };
      return port < 0 ? null : new Origin(scheme, host.toLowerCase(Locale.ROOT), port);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }
}
