package io.herald.node;

import io.herald.core.CloseCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/protocol.md's close-code tables list every code the server closes with, on /ws and on graphql-transport-ws. */
class CloseCodesDocTest {

  private static final Path DOC = Path.of("..", "docs", "protocol.md");

  @ParameterizedTest
  @EnumSource(CloseCode.class)
  void everyCloseCodeIsInATableRow(CloseCode code) throws IOException {
    String doc = Files.readString(DOC);
    Pattern row = Pattern.compile("(?m)^\\| `?" + code.code() + "`? \\|");
    assertThat(row.matcher(doc).find()).as("a row for %s (%d) in docs/protocol.md", code, code.code()).isTrue();
  }
}
