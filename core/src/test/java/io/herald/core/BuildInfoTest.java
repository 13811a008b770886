package io.herald.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link BuildInfo}: what the build filtered into herald-build.properties, or unknown. */
class BuildInfoTest {

  @Test
  void theBuildWroteTheProjectVersionAndTheCommitOrUnknownWithoutGit() {
    BuildInfo build = BuildInfo.current();

    assertThat(build.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(build.commit()).matches("[0-9a-f]{7,}|" + BuildInfo.UNKNOWN);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "${git.commit.id.abbrev}"})
  void aValueTheBuildDidNotFillInIsUnknown(String raw) {
    assertThat(BuildInfo.value(raw)).isEqualTo(BuildInfo.UNKNOWN);
  }

  @Test
  void aFilledInValueIsKept() {
    assertThat(BuildInfo.value("648207b\n")).isEqualTo("648207b");
  }
}
