package io.herald.node;

import io.herald.core.config.HeraldConfig;
import io.herald.core.config.Setting;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** docs/configuration.md documents every configuration key and its environment variable. */
class ConfigurationDocTest {

  /** Tests run in the node module's directory; the doc is at the repository root. */
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  private static String doc;

  @BeforeAll
  static void read() throws IOException {
    assertThat(DOC).as("the configuration reference").exists();
    doc = Files.readString(DOC);
  }

  static Stream<Arguments> settings() {
    return HeraldConfig.SETTINGS.stream().map(s -> arguments(s.key(), s));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void everySettingIsDocumentedWithItsEnvironmentVariable(String key, Setting<?> setting) {
    assertThat(mentions(key)).as("key %s", key).isTrue();
    assertThat(mentions(setting.envName())).as("environment variable %s", setting.envName()).isTrue();
  }

  /** Whether the doc names {@code word} on its own, not as part of a longer key ("port" in "support"). */
  private static boolean mentions(String word) {
    return Pattern.compile("(?<![A-Za-z0-9_.])" + Pattern.quote(word) + "(?![A-Za-z0-9_])").matcher(doc).find();
  }

  @Test
  void namespacesAreDocumented() {
    for (String word : new String[] {HeraldConfig.NAMESPACES_KEY, HeraldConfig.NAMESPACES_ENV, "history_size",
        "history_ttl_ms", "client_publish", "presence", "join_leave"}) {
      assertThat(mentions(word)).as(word).isTrue();
    }
  }
}
