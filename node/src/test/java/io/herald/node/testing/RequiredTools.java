package io.herald.node.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Tools some tests run that a fresh machine may not have: Node.js (with npm), kubectl, podman (with runc and
 * mmdebstrap), and network namespaces (ip, iptables and tc, run as root where {@code ip netns add} works). A test that
 * needs one calls {@link #assume}: when the tool is not on the PATH (or does not work here) the test is skipped, with
 * one line on the console saying what is skipped and how to run it, unless {@code HERALD_REQUIRE_<TOOL>=1} says it
 * must be there (.ci/run sets it for what it installs), when the test fails instead. A test's output goes to its report file; the build's console
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
        "install podman, runc and mmdebstrap (Debian: apt-get install -y podman runc mmdebstrap)"),
    /** The network fault tests: members in network namespaces of their own (scripts/netns-cluster.sh). */
    NETNS(List.of("ip", "iptables", "tc"), "HERALD_REQUIRE_NETNS",
        "be root where `ip netns add` works, with iproute2 and iptables (Debian: apt-get install -y iproute2 iptables);"
            + " docs/development.md, Network fault tests", RequiredTools::netnsUnusable);

    private final List<String> commands;
    private final String requireVariable;
    private final String howTo;
    /** Why the tool does not work here although it is on the PATH, or null when it does. */
    private final Supplier<String> unusable;

    Tool(List<String> commands, String requireVariable, String howTo) {
      this(commands, requireVariable, howTo, () -> null);
    }

    Tool(List<String> commands, String requireVariable, String howTo, Supplier<String> unusable) {
      this.commands = commands;
      this.requireVariable = requireVariable;
      this.howTo = howTo;
      this.unusable = unusable;
    }

    public String requireVariable() {
      return requireVariable;
    }
  }

  /** The script that makes and breaks the network fault tests' namespaces; the tests' working directory is node/. */
  public static final Path NETNS_SCRIPT = Path.of("..", "scripts", "netns-cluster.sh").toAbsolutePath().normalize();

  /** The skips already announced, so each is one line per test JVM. */
  private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();
  /** Each tool's verdict on whether it works here ("" when it does), found once per test JVM. */
  private static final Map<Tool, String> UNUSABLE = new ConcurrentHashMap<>();

  private RequiredTools() {
  }

  /**
   * Skips the calling test ({@code what} names it for the console) unless {@code tool} is on the PATH and works here,
   * or is required.
   */
  public static void assume(Tool tool, String what) {
    String missing = tool.commands.stream().filter(c -> !onPath(c)).findFirst().orElse(null);
    String reason = missing != null ? missing + " is not on the PATH"
        : UNUSABLE.computeIfAbsent(tool, t -> {
          String why = t.unusable.get();
          return why == null ? "" : why;
        });
    if (reason.isEmpty()) {
      return;
    }
    String message = what + " skipped: " + reason + "; to run it, " + tool.howTo;
    if ("1".equals(System.getenv(tool.requireVariable))) {
      throw new AssertionError(message + " (" + tool.requireVariable + "=1 requires it)");
    }
    if (ANNOUNCED.add(message)) {
      System.out.println("SKIPPED: " + message);
    }
    Assumptions.abort(message);
  }

  /** Why network namespaces cannot be used here (the script's own check: root, tools, a probe namespace), or null. */
  private static String netnsUnusable() {
    try {
      Commands.Run check = Commands.run(List.of(NETNS_SCRIPT.toString(), "check"), NETNS_SCRIPT.getParent(), Map.of(), 60);
      return check.exitCode() == 0 ? null : check.output().strip();
    } catch (IOException e) {
      return "cannot run " + NETNS_SCRIPT + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while checking network namespaces";
    }
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
