package io.herald.node.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an outside program a test needs (npm, podman, ...) to its end, bounded in time, keeping what it printed. */
public final class Commands {

  private Commands() {
  }

  /** What a finished command printed (stdout and stderr) and its exit code. */
  public record Run(int exitCode, String output) {
  }

  /**
   * Runs {@code command} in {@code folder} with {@code env} added to this JVM's environment, waiting up to
   * {@code timeoutSeconds}; beyond that it is killed (with what it started) and the call fails with its output.
   */
  public static Run run(List<String> command, Path folder, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("herald-command", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!exited) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
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
