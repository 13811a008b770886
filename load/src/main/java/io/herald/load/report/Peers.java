package io.herald.load.report;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer broker the report's comparison runs use: Nchan at a given URL, or one the report starts itself
 * with load/peers/nchan/run-nchan.sh (and stops at the end), or none, with the reason.
 */
public final class Peers implements AutoCloseable {

  /** run-nchan.sh's exit code when nginx or the nchan module is not installed. */
  private static final int NOT_INSTALLED = 3;
  private static final long SCRIPT_SECONDS = 60;

  private final URI given;
  private final boolean skip;
  private final Path script;
  private final Path dir;
  private URI started;
  private String whyNot;

  /**
   * @param given  Nchan's base URL, or null to start one with {@code script} (files under {@code dir})
   * @param skip   no comparison at all
   */
  public Peers(URI given, boolean skip, Path script, Path dir) {
    this.given = given;
    this.skip = skip;
    this.script = script;
    this.dir = dir;
  }

  /** Nchan's base URL, starting Nchan the first time if none was given; null when there is none (see {@link #whyNot}). */
  public URI nchan() throws IOException, InterruptedException {
    if (skip) {
      whyNot = "--skip-peers";
      return null;
    }
    if (given != null || started != null || whyNot != null) {
      return given != null ? given : started;
    }
    if (!Files.isRegularFile(script)) {
      whyNot = "no --peer-url, and " + script + " is not here to start Nchan (run from the repository root)";
      return null;
    }
    int port = freePort();
    int code = run(List.of("start", String.valueOf(port), dir.toString()));
    if (code == 0) {
      started = URI.create("http://127.0.0.1:" + port);
    } else {
      whyNot = code == NOT_INSTALLED
          ? "Nchan is not installed (apt-get install -y nginx libnginx-mod-nchan), or pass --peer-url / --skip-peers"
          : script + " start exited " + code + " (see " + dir.resolve("run-nchan.log") + ")";
    }
    return started;
  }

  public String whyNot() {
    return whyNot;
  }

  /** Stops the Nchan this object started, if any. */
  @Override
  public void close() throws IOException, InterruptedException {
    if (started != null) {
      run(List.of("stop", dir.toString()));
      started = null;
    }
  }

  private int run(List<String> args) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("run-nchan.log").toFile())).start();
    if (!p.waitFor(SCRIPT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
