package io.herald.node.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tools some tests run that a fresh machine may not have: Node.js (with npm), kubectl, and podman (with runc and
 * mmdebstrap). A test that needs one calls {@link #assume}: when the tool is not on the PATH the test is skipped, with one line on the console saying
 * what is skipped and how to run it, unless {@code HERALD_REQUIRE_<TOOL>=1} says it must be there (.ci/run sets it
 * for what it installs), when the test fails instead. A test's output goes to its report file; the build's console
 * says the same once per missing tool, before the tests run (the enforcer's {@code tools-for-tests} rules in
 * node/pom.xml and load/pom.xml).
 */
public final class RequiredTools {

  /** A tool, the commands found on the PATH, the variable that makes it required, and how to get it. */
  public enum Tool {
    NODE(List.of("node"), "HERALD_REQUIRE_NODE", "install Node.js 18+ and npm (Debian: apt-get install -y nodejs npm)"),
    KUBECTL(List.of("kubectl"), "HERALD_REQUIRE_KUBECTL",
        "install kubectl 1.27+ (kustomize v5); no Debian or Maven registry carries one, see docs/development.md"),
    /** The container image test: podman builds and runs it with runc, from Debian bases mmdebstrap makes. */
    PODMAN(List.of("podman", "runc", "mmdebstrap"), "HERALD_REQUIRE_PODMAN",
        "install podman, runc and mmdebstrap (Debian: apt-get install -y podman runc mmdebstrap)");

    private final List<String> commands;
    private final String requireVariable;
    private final String howTo;

    Tool(List<String> commands, String requireVariable, String howTo) {
      this.commands = commands;
      this.requireVariable = requireVariable;
      this.howTo = howTo;
    }

    public String requireVariable() {
      return requireVariable;
    }
  }

  /** The skips already announced, so each is one line per test JVM. */
  private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();

  private RequiredTools() {
  }

  /** Skips the calling test ({@code what} names it for the console) unless {@code tool} is on the PATH or required. */
  public static void assume(Tool tool, String what) {
    String missing = tool.commands.stream().filter(c -> !onPath(c)).findFirst().orElse(null);
    if (missing == null) {
      return;
    }
    String message = what + " skipped: " + missing + " is not on the PATH; to run it, " + tool.howTo;
    if ("1".equals(System.getenv(tool.requireVariable))) {
      throw new AssertionError(message + " (" + tool.requireVariable + "=1 requires it)");
    }
    if (ANNOUNCED.add(message)) {
      System.out.println("SKIPPED: " + message);
    }
    Assumptions.abort(message);
  }

  static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return true;
      }
    }
    return false;
  }
}
