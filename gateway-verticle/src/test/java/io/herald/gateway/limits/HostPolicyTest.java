package io.herald.gateway.limits;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** http.allowed_hosts: host (any port) or host:port, case-insensitive; empty list: any Host. */
class HostPolicyTest {

  @ParameterizedTest(name = "[{0}] Host: {1} -> {2}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "                                  | evil.example        | true",
      "                                  | null                | true",
      "herald.example                    | herald.example      | true",
      "herald.example                    | Herald.Example:8080 | true",
      "herald.example                    | evil.example        | false",
      "herald.example                    | herald.example.evil | false",
      "herald.example                    | null                | false",
      "herald.example:8443               | herald.example:8443 | true",
      "herald.example:8443               | herald.example      | false",
      "herald.example:8443               | herald.example:80   | false",
      "[::1]:8080, herald.example        | [::1]:8080          | true",
      "[::1]:8080, herald.example        | [::1]:9090          | false"})
  void onlyListedHostsAreAllowed(String list, String host, boolean allowed) {
    assertThat(HostPolicy.of(list == null ? "" : list).allows(host)).isEqualTo(allowed);
  }
}
