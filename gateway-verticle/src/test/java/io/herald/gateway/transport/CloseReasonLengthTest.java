package io.herald.gateway.transport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Close reasons fit a close frame: at most 123 bytes of UTF-8, cut between characters. */
class CloseReasonLengthTest {

  @ParameterizedTest(name = "{0} x {1}")
  @CsvSource({
      "a, 10, 10", "a, 123, 123", "a, 124, 123", "a, 300, 123",
      "é, 61, 61", "é, 62, 61", "é, 100, 61",
      "€, 41, 41", "€, 42, 41",
      "😀, 30, 30", "😀, 31, 30", "😀, 100, 30"})
  void cutToWholeCharactersWithin123Bytes(String unit, int repeat, int kept) {
    String reason = unit.repeat(repeat);
    String fitted = ClientSocket.closeReason(reason);
    assertThat(fitted).isEqualTo(unit.repeat(kept));
    assertThat(fitted.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ClientSocket.MAX_CLOSE_REASON_BYTES);
  }
}
