package io.herald.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Channel names: {@code ^[A-Za-z0-9_.:@=-]{1,255}$} and the namespace before the first ':'. */
class ChannelNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", "room", "chat:room-1", "a:b:c", "user@example.com", "k=v", "A_b.c:d@e=f-g",
      "_", ".", ":", "-", "@", "="})
  void valid(String name) {
    assertThat(ChannelName.isValid(name)).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"has space", "slash/x", "back\\slash", "é", "日本", "a#b", "star*", "q?x", "pct%20",
      "trailing\n", "\tleading", "quote\"", "comma,", "plus+", "semi;", "emoji😀"})
  void invalid(String name) {
    assertThat(ChannelName.isValid(name)).isFalse();
  }

  @Test
  void lengthLimitIs255() {
    assertThat(ChannelName.isValid("a".repeat(255))).isTrue();
    assertThat(ChannelName.isValid("a".repeat(256))).isFalse();
    assertThat(ChannelName.MAX_LENGTH).isEqualTo(255);
  }

  @ParameterizedTest
  @CsvSource({
      "chat:room-1, chat",
      "a:b:c, a",
      "ns:, ns",
      "room, default",
      ":leading, default",
      "x.y@z, default"
  })
  void namespaceIsThePartBeforeTheFirstColon(String name, String namespace) {
    assertThat(ChannelName.namespace(name)).isEqualTo(namespace);
  }
}
