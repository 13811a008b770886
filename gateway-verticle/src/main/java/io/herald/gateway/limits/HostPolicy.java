package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Which {@code Host} header the public port answers ({@code http.allowed_hosts}), against DNS rebinding:
 * a page of another site that gets its own name resolved to the node's address can make a browser send
 * it requests, but they carry that site's name as Host. Entries are {@code host} (any port) or
 * {@code host:port} ({@code [::1]:8080} for an IPv6 literal), compared case-insensitively. An empty list
 * answers any Host (the default); with a list, a request without a Host is refused too.
 */
public final class HostPolicy {

  private record Allowed(String host, String port) {
  }

  private final List<Allowed> allowed;

  private HostPolicy(List<Allowed> allowed) {
    this.allowed = allowed;
  }

  public static HostPolicy from(HeraldConfig config) {
    return of(config.get(HeraldConfig.HTTP_ALLOWED_HOSTS));
  }

  public static HostPolicy of(String list) {
    return new HostPolicy(Stream.of(list.split(",")).map(String::trim).filter(e -> !e.isEmpty())
        .map(HostPolicy::split).toList());
  }

  public boolean allowsAny() {
    return allowed.isEmpty();
  }

  /** Whether a request with this {@code Host} header (null when absent) is answered. */
  public boolean allows(String hostHeader) {
    if (allowed.isEmpty()) {
      return true;
    }
    if (hostHeader == null) {
      return false;
    }
    Allowed h = split(hostHeader.trim());
    return allowed.stream().anyMatch(a -> a.host.equals(h.host) && (a.port == null || a.port.equals(h.port)));
  }

  /** {@code host[:port]} (an IPv6 literal in brackets), the host in lower case; port null when none. */
  private static Allowed split(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    int colon = v.lastIndexOf(':');
    if (colon > v.lastIndexOf(']')) {
      return new Allowed(v.substring(0, colon), v.substring(colon + 1));
    }
    return new Allowed(v, null);
  }
}
