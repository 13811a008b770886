package io.herald.node.sdk;

import io.herald.node.testing.Commands;
import io.herald.node.testing.NodeScripts;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JavaScript SDK ({@code clients/js}) built and tested as its users build it: {@code npm ci}, {@code npm run
 * build} (TypeScript to an ES module and declarations), then {@code npm test}, Node's test runner over its suites,
 * which start nodes from the jar this build packaged (an integration test: it runs after {@code package}) and, where
 * Debian's {@code chromium} is installed, run the SDK and the node's web console in headless Chromium too; one suite
 * checks that the console's copy of the SDK ({@code gateway-verticle/src/main/resources/console/sdk}) is this build. {@code .ci/run} installs Chromium
 * and sets {@code HERALD_REQUIRE_BROWSER=1}, so there the browser part cannot skip.
 */
class ClientSdkIT {

  static final NodeScripts SDK = new NodeScripts("clients/js");
  /** Node starts a handful of JVMs; the suites bound every wait themselves. */
  static final long SUITE_TIMEOUT_S = 420;

  @Test
  void sdkBuildsAndItsSuitesPassAgainstRealNodes() throws Exception {
    Path jar = Path.of("target", "herald.jar").toAbsolutePath();
    assertThat(jar).as("the node jar (mvn package)").exists();
    SDK.installPackages();

    Commands.Run build = SDK.run(List.of("npm", "run", "build"), Map.of(), 120);
    assertThat(build.exitCode()).as("npm run build; output:%n%s", build.output()).isZero();
    assertThat(SDK.folder().resolve("dist/index.js")).exists();
    assertThat(SDK.folder().resolve("dist/index.d.ts")).exists();

    Map<String, String> env = new HashMap<>();
    env.put("HERALD_JAR", jar.toString());
    Commands.Run test = SDK.run(List.of("npm", "test"), env, SUITE_TIMEOUT_S);
    String output = test.output();
    System.out.println(output.lines().filter(l -> l.startsWith("# ") || l.contains("skipped")).reduce("", (a, b) -> a + b + "\n"));
    assertThat(test.exitCode()).as("npm test; output:%n%s", output).isZero();
    assertThat(output).as("npm test output").contains("# fail 0").doesNotContain("# pass 0");
    if (Files.exists(Path.of("/usr/bin/chromium"))) {
      assertThat(output).as("the browser suites ran").doesNotContain("browser tests skipped").doesNotContain("console tests skipped");
    }
  }
}
