package io.herald.node.testing;

import io.herald.core.config.HeraldConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every tool's {@code HERALD_REQUIRE_*} variable is one a node ignores: .ci/run exports them, the nodes the tests
 * start inherit them, and a node refuses an unknown {@code HERALD_*} variable at start.
 */
class RequiredToolsTest {

  @Test
  void everyRequireVariableIsOneANodeIgnores() {
    assertThat(Arrays.stream(RequiredTools.Tool.values()).map(RequiredTools.Tool::requireVariable))
        .allMatch(HeraldConfig.NON_SETTING_ENV::contains);
  }
}
