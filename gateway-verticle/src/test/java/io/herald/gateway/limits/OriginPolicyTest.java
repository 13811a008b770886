package io.herald.gateway.limits;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A malformed ws.allowed_origins entry stops the node instead of refusing everyone (the table of origins is OriginTest). */
class OriginPolicyTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"app.example.com", "https://app.example.com/", "https://app.example.com/path",
      "ftp://app.example.com", "https://", "*.example.com", "https://app.example.com?x=1", "https://u@app.example.com"})
  void entryThatIsNotAnOriginIsRefusedNamingTheKey(String entry) {
    assertThatThrownBy(() -> OriginPolicy.of("https://ok.example.com," + entry, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws.allowed_origins");
  }
}
