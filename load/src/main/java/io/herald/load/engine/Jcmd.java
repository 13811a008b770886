package io.herald.load.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the JDK's {@code jcmd} against a server JVM on this machine, to make it collect garbage
 * ({@code GC.run}, which is {@code System.gc()}: a full collection under G1 that returns when it is done)
 * before its heap is read. Needs a JDK (jcmd beside the running {@code java}, or on the PATH), the same
 * user as the server, and a server not started with {@code -XX:+DisableAttachMechanism}.
 */
public final class Jcmd {

  /** How long one jcmd call may take, attach included. */
  static final long TIMEOUT_S = 60;

  private Jcmd() {
  }

  /** Runs {@code jcmd <pid> GC.run}; throws with jcmd's output when it does not succeed. */
  public static void gc(long pid) {
    run(pid, "GC.run");
  }

  /** Runs {@code jcmd <pid> <command>} and returns its output. */
  public static String run(long pid, String command) {
    if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
      throw new IllegalStateException("--server-pid " + pid + ": no such process on this machine");
    }
    List<String> cmd = List.of(executable(), String.valueOf(pid), command);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " took more than " + TIMEOUT_S + " s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.exitValue() != 0 || out.contains("Exception")) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run jcmd (" + cmd.get(0) + "; a JDK is needed for --server-pid): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
    }
  }

  /** jcmd beside the java running this tool, else the one on the PATH. */
  static String executable() {
    return ProcessHandle.current().info().command().map(Path::of).map(java -> java.resolveSibling("jcmd"))
        .filter(Files::isExecutable).map(Path::toString).orElse("jcmd");
  }
}
