package io.herald.node.graphql;

import io.herald.node.testing.NodeExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Third-party GraphQL clients against a real node: the scripts of {@code interop/graphql-ws} run the
 * {@code graphql-ws} client library ({@code interop.mjs}: subscription, complete, query, mutation) and
 * Apollo Client with its GraphQLWsLink ({@code apollo.mjs}: subscription, query) under Node.js. Each
 * script checks what it receives and ends with a one-line summary and exit code 0. Needs {@code node}
 * and {@code npm} on the PATH ({@code .ci/run} installs them); the packages come from the committed
 * lock file, installed with {@code npm ci} when {@code node_modules} is missing or older than it.
 */
class GraphQLWsInteropTest {

  /** The scripts bound themselves to 20 s; this covers Node's start on a busy machine on top. */
  static final long SCRIPT_TIMEOUT_S = 60;
  static final long NPM_CI_TIMEOUT_S = 300;
  /** The module's directory is the tests' working directory; the interop folder is at the repository root. */
  static final Path INTEROP = Path.of("..", "interop", "graphql-ws").toAbsolutePath().normalize();

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults();

  @BeforeAll
  static void installPackages() throws Exception {
    Path installed = INTEROP.resolve("node_modules").resolve(".package-lock.json"); // written by npm ci/install
    Path lock = INTEROP.resolve("package-lock.json");
    if (Files.exists(installed) && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
      return;
    }
    Run npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), NPM_CI_TIMEOUT_S);
    assertThat(npm.exitCode()).as("npm ci in %s; output:%n%s", INTEROP, npm.output()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "interop.mjs, graphql-ws interop OK: ",
      "apollo.mjs,  apollo interop OK: ",
  })
  void clientLibraryTalksToTheNode(String script, String summary) throws Exception {
    Run run = run(List.of("node", script, "http://127.0.0.1:" + node.port()), SCRIPT_TIMEOUT_S);

    assertThat(run.exitCode()).as("exit code of node %s; output:%n%s", script, run.output()).isZero();
    assertThat(run.output().lines().filter(line -> line.startsWith(summary)))
        .as("summary line of node %s; output:%n%s", script, run.output())
        .hasSize(1);
  }

  /** What a finished command printed (stdout and stderr) and its exit code. */
  record Run(int exitCode, String output) {
  }

  /** Runs {@code command} in the interop folder, waiting up to {@code timeoutSeconds}; fails if it runs longer. */
  static Run run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
    Path log = Files.createTempFile("graphql-interop", ".log");
    try {
      Process process;
      try {
        process = new ProcessBuilder(command).directory(INTEROP.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      } catch (IOException e) {
        throw new AssertionError("cannot run " + command.get(0) + ": Node.js and npm must be on the PATH"
            + " (.ci/run installs them; Debian: apt-get install nodejs npm)", e);
      }
      boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (!exited) {
        throw new AssertionError(String.join(" ", command) + " still running after " + timeoutSeconds + " s; output:\n" + output);
      }
      return new Run(process.exitValue(), output);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
