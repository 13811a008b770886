package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;
import io.netty.util.NetUtil;

import java.util.ArrayList;
import java.util.List;

/**
 * Who a client is, for every per-address limit: the peer's address, or, when the peer is one of
 * {@code http.trusted_proxies}, the right-most address of {@code X-Forwarded-For} that is not a trusted
 * proxy (each proxy appends the address it got the request from, so everything left of that is the
 * client's own claim). Addresses are grouped: an IPv6 client counts by its /64 (one subscriber line
 * gets a whole /64, so per-address limits on single IPv6 addresses would be free to walk around), an
 * IPv4-mapped IPv6 address as its IPv4 address. Only literal addresses are parsed: no DNS lookup ever.
 */
public final class ClientAddresses {

  /** An address prefix: {@code bits} leading bits of {@code prefix} (4 or 16 bytes). */
  private record Cidr(byte[] prefix, int bits) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((address[i / 8] & mask) != (prefix[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Cidr> trusted;
  private final boolean exemptLoopback;

  private ClientAddresses(List<Cidr> trusted, boolean exemptLoopback) {
    this.trusted = trusted;
    this.exemptLoopback = exemptLoopback;
  }

  public static ClientAddresses from(HeraldConfig config) {
    return of(config.get(HeraldConfig.HTTP_TRUSTED_PROXIES), config.get(HeraldConfig.WS_CONNECT_RATE_EXEMPT_LOOPBACK));
  }

  /**
   * @param trustedProxies comma-separated addresses and CIDRs ({@code 10.0.0.0/8}, {@code fd00::/8})
   * @throws IllegalArgumentException naming an entry that is neither, so that a typo stops the node
   */
  public static ClientAddresses of(String trustedProxies, boolean exemptLoopback) {
    List<Cidr> trusted = new ArrayList<>();
    for (String entry : trustedProxies.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int slash = e.indexOf('/');
      byte[] address = bytes(slash < 0 ? e : e.substring(0, slash));
      int bits = address == null ? -1 : address.length * 8;
      if (address != null && slash >= 0) {
        try {
          bits = Integer.parseInt(e.substring(slash + 1));
        } catch (NumberFormatException x) {
          bits = -1;
        }
      }
      if (address == null || bits < 0 || bits > address.length * 8) {
        throw new IllegalArgumentException(HeraldConfig.HTTP_TRUSTED_PROXIES.key() + ": not an address or CIDR: " + e);
      }
      trusted.add(new Cidr(address, bits));
    }
    return new ClientAddresses(List.copyOf(trusted), exemptLoopback);
  }

  /** Whether {@code ip} is one of the trusted proxies. */
  public boolean trusted(String ip) {
    byte[] address = bytes(ip);
    return address != null && trusted.stream().anyMatch(c -> c.contains(address));
  }

  /**
   * The client's address: {@code peer}, unless {@code peer} is a trusted proxy and {@code forwardedFor}
   * (the {@code X-Forwarded-For} headers in order, null or empty when none) names one that is not.
   * An entry that is not an address ends the walk: what is left of it cannot be trusted either.
   */
  public String client(String peer, List<String> forwardedFor) {
    if (peer == null || forwardedFor == null || forwardedFor.isEmpty() || !trusted(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.trim());
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = stripPort(hops.get(i));
      if (bytes(hop) == null) {
        return peer;
      }
      if (!trusted(hop)) {
        return hop;
      }
    }
    return peer;
  }

  /** The client address of an HTTP request (for logs and per-address limits). */
  public String client(io.vertx.core.http.HttpServerRequest request) {
    return client(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
        request.headers().getAll("X-Forwarded-For"));
  }

  /** Whether per-address limits leave {@code ip} alone: loopback (when exempt) and the trusted proxies themselves. */
  public boolean exempt(String ip) {
    return (exemptLoopback && loopback(ip)) || trusted(ip);
  }

  /**
   * The key a per-address limit counts {@code ip} under: an IPv4 address itself, an IPv6 address's /64
   * ({@code 2001:db8:0:1::/64}); anything unparsable as is.
   */
  public static String group(String ip) {
    byte[] a = bytes(ip);
    if (a == null || a.length == 4) {
      return a == null ? ip : NetUtil.bytesToIpAddress(a);
    }
    return String.format("%x:%x:%x:%x::/64", word(a, 0), word(a, 2), word(a, 4), word(a, 6));
  }

  static boolean loopback(String ip) {
    byte[] a = bytes(ip);
    if (a == null) {
      return false;
    }
    if (a.length == 4) {
      return (a[0] & 0xFF) == 127;
    }
    for (int i = 0; i < 15; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[15] == 1;
  }

  private static int word(byte[] a, int i) {
    return ((a[i] & 0xFF) << 8) | (a[i + 1] & 0xFF);
  }

  /** An address literal's bytes (an IPv4-mapped IPv6 address as its 4 IPv4 bytes), or null. */
  static byte[] bytes(String ip) {
    if (ip == null || ip.isEmpty()) {
      return null;
    }
    String literal = ip;
    if (literal.startsWith("[") && literal.endsWith("]")) {
      literal = literal.substring(1, literal.length() - 1);
    }
    int scope = literal.indexOf('%');
    if (scope >= 0) {
      literal = literal.substring(0, scope);
    }
    byte[] a = NetUtil.createByteArrayFromIpAddressString(literal);
    if (a != null && a.length == 16 && mappedIpv4(a)) {
      return new byte[] {a[12], a[13], a[14], a[15]};
    }
    return a;
  }

  private static boolean mappedIpv4(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF;
  }

  /** {@code 203.0.113.7:4711} and {@code [2001:db8::1]:4711}, as some proxies write them, without the port. */
  private static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int end = hop.indexOf(']');
      return end < 0 ? hop : hop.substring(1, end);
    }
    int colon = hop.indexOf(':');
    return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
  }
}
