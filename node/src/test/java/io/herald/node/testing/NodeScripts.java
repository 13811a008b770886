package io.herald.node.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs Node.js commands in a folder of the repository (third-party client interop, the JavaScript SDK's suite):
 * {@code npm ci} from the committed lock file when {@code node_modules} is missing or older than it, and a command
 * bounded in time. Needs {@code node} and {@code npm} on the PATH ({@code .ci/run} installs them); without them the
 * calling test is skipped ({@link RequiredTools}).
 */
public final class NodeScripts {

  static final long NPM_CI_TIMEOUT_S = 300;

  private final Path folder;

  /** {@code relative} is from the repository root; the tests' working directory is the module's. */
  public NodeScripts(String relative) {
    this.folder = Path.of("..").resolve(relative).toAbsolutePath().normalize();
  }

  public Path folder() {
    return folder;
  }

  /** Installs the locked packages unless {@code node_modules} already matches the lock file. */
  public void installPackages() throws IOException, InterruptedException {
    RequiredTools.assume(RequiredTools.Tool.NODE, "the Node.js suite in " + folder.getFileName());
    Path installed = folder.resolve("node_modules").resolve(".package-lock.json"); // written by npm ci/install
    Path lock = folder.resolve("package-lock.json");
    if (Files.exists(installed) && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
      return;
    }
    Commands.Run npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), NPM_CI_TIMEOUT_S);
    assertThat(npm.exitCode()).as("npm ci in %s; output:%n%s", folder, npm.output()).isZero();
  }

  /** Runs {@code command} in the folder with {@code env} added, waiting up to {@code timeoutSeconds}; fails beyond. */
  public Commands.Run run(List<String> command, Map<String, String> env, long timeoutSeconds) throws IOException, InterruptedException {
    RequiredTools.assume(RequiredTools.Tool.NODE, "the Node.js suite in " + folder.getFileName());
    try {
      return Commands.run(command, folder, env, timeoutSeconds);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command.get(0) + ": Node.js and npm must be on the PATH"
          + " (.ci/run installs them; Debian: apt-get install nodejs npm)", e);
    }
  }
}
