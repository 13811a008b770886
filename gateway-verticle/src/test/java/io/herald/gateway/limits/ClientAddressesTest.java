package io.herald.gateway.limits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Who the client is: trusted proxies and X-Forwarded-For, address groups (IPv6 by /64), loopback. */
class ClientAddressesTest {

  private static final ClientAddresses PROXIES = ClientAddresses.of("10.0.0.0/8, 192.0.2.1, 2001:db8:ffff::/48", true);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "203.0.113.7              | 203.0.113.7",
      "127.0.0.1                | 127.0.0.1",
      "::ffff:203.0.113.7       | 203.0.113.7",
      "2001:db8:1:2::1          | 2001:db8:1:2::/64",
      "2001:db8:1:2:ffff:1:2:3  | 2001:db8:1:2::/64",
      "2001:DB8:0:0:1::1        | 2001:db8:0:0::/64",
      "[2001:db8:1:3::1]        | 2001:db8:1:3::/64",
      "fe80::1%eth0             | fe80:0:0:0::/64",
      "not-an-address           | not-an-address"})
  void addressesAreGroupedIpv6ByItsSlash64(String ip, String group) {
    assertThat(ClientAddresses.group(ip)).isEqualTo(group);
  }

  /** Peer, X-Forwarded-For headers (| separates headers), the client. */
  static Stream<Arguments> forwardedFor() {
    return Stream.of(
        arguments("203.0.113.7", null, "203.0.113.7"),
        arguments("203.0.113.7", "198.51.100.1", "203.0.113.7"), // not a trusted peer: header ignored
        arguments("10.1.2.3", null, "10.1.2.3"),
        arguments("10.1.2.3", "198.51.100.1", "198.51.100.1"),
        arguments("10.1.2.3", "1.1.1.1, 198.51.100.1", "198.51.100.1"), // the left is the client's own claim
        arguments("10.1.2.3", "198.51.100.1, 10.9.9.9, 192.0.2.1", "198.51.100.1"), // skip trusted hops
        arguments("10.1.2.3", "198.51.100.1|10.9.9.9", "198.51.100.1"), // several headers: one list
        arguments("10.1.2.3", "10.9.9.9, 192.0.2.1", "10.1.2.3"), // only proxies: the peer
        arguments("10.1.2.3", "198.51.100.1, garbage", "10.1.2.3"), // a bad entry ends the walk
        arguments("10.1.2.3", "198.51.100.1:4711", "198.51.100.1"),
        arguments("10.1.2.3", "[2001:db8::9]:4711", "2001:db8::9"),
        arguments("10.1.2.3", "unknown", "10.1.2.3"),
        arguments("2001:db8:ffff:1::5", "2001:db8:1::7", "2001:db8:1::7"),
        arguments("::ffff:10.0.0.1", "198.51.100.1", "198.51.100.1"));
  }

  @ParameterizedTest(name = "{0} with {1} -> {2}")
  @MethodSource("forwardedFor")
  void theClientIsTheRightMostUntrustedForwardedAddressOfATrustedPeer(String peer, String headers, String client) {
    List<String> xff = headers == null ? List.of() : Arrays.asList(headers.split("\\|"));
    assertThat(PROXIES.client(peer, xff)).isEqualTo(client);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"10.0.0.0/33", "10.0.0.0/x", "example.com", "10.0.0/8", "::1/129"})
  void aBadTrustedProxyEntryStopsTheNode(String entry) {
    assertThatThrownBy(() -> ClientAddresses.of("10.0.0.1," + entry, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http.trusted_proxies").hasMessageContaining(entry);
  }

  @Test
  void loopbackAndTrustedProxiesAreExempt() {
    assertThat(PROXIES.exempt("127.0.0.5")).isTrue();
    assertThat(PROXIES.exempt("::1")).isTrue();
    assertThat(PROXIES.exempt("10.3.3.3")).isTrue();
    assertThat(PROXIES.exempt("203.0.113.7")).isFalse();
    assertThat(PROXIES.exempt("localhost")).as("names are never resolved").isFalse();
    assertThat(ClientAddresses.of("", false).exempt("127.0.0.1")).isFalse();
  }
}
