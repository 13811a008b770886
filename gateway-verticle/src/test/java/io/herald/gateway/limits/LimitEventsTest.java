package io.herald.gateway.limits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a client-chosen header may put in a log line. */
class LimitEventsTest {

  @Test
  void controlCharactersCannotForgeLogLines() {
    assertThat(LimitEvents.clean("https://evil.com\r\n2026-01-01 WARN forged")).isEqualTo("https://evil.com??2026-01-01 WARN forged");
    assertThat(LimitEvents.clean("caf\u00e9\u0000")).isEqualTo("caf??");
  }

  @Test
  void longValuesAreCut() {
    String cleaned = LimitEvents.clean("x".repeat(10_000));
    assertThat(cleaned).hasSize(123).endsWith("...");
  }

  @Test
  void absentValuesAreADash() {
    assertThat(LimitEvents.clean(null)).isEqualTo("-");
  }
}
