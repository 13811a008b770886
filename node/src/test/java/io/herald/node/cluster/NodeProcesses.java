package io.herald.node.cluster;

import io.herald.node.Main;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the node's command line ({@link Main}) as a process of its own, for tests of how it starts. */
public final class NodeProcesses {

  private NodeProcesses() {
  }

  /** How a process that was expected to stop by itself ended. */
  public record Exit(int code, String output) {
  }

  /** Runs Main with {@code args} (on a free loopback port) and {@code env} added to this JVM's environment, until it exits. */
  public static Exit runMain(Map<String, String> env, List<String> args) {
    try {
      Process process = builder(env, args).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("the node did not exit within 60 s");
      }
      return new Exit(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Whether a standalone node with {@code env} starts (prints that it is ready); it is stopped either way. */
  public static boolean startsAndStops(Map<String, String> env) {
    NodeProcess node;
    try {
      node = NodeProcess.launch(command(0, List.of()), env, 0);
    } catch (AssertionError notStarted) {
      return false;
    }
    node.stop();
    return true;
  }

  private static ProcessBuilder builder(Map<String, String> env, List<String> args) {
    ProcessBuilder builder = new ProcessBuilder(command(0, args)).redirectErrorStream(true);
    builder.environment().putAll(env);
    return builder;
  }

  /** The command line of a standalone node on {@code port} of loopback (0: a free one), {@code args} added. */
  public static List<String> command(int port, List<String> args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--port", Integer.toString(port), "--host", "127.0.0.1"));
    command.addAll(args);
    return command;
  }
}
