package io.herald.load.peer;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An Nchan (nginx + libnginx-mod-nchan) started by a test through load/peers/nchan/run-nchan.sh on a free
 * loopback port, and stopped by the PID in its pid file.
 *
 * <p>When nginx or the nchan module is not installed ({@code run-nchan.sh check} exits 3) the test is aborted
 * (reported as skipped, with the reason); .ci/run installs both ({@code apt-get install -y nginx
 * libnginx-mod-nchan}) and sets {@code HERALD_REQUIRE_NCHAN=1}, which turns a missing Nchan into a failure,
 * so CI always runs these tests.
 */
public final class NchanProcess implements AutoCloseable {

  /** The script, from the load module's directory (Surefire's working directory). */
  private static final Path SCRIPT = Path.of("peers", "nchan", "run-nchan.sh");
  private static final int NOT_INSTALLED = 3;

  private final Path dir;
  private final int port;

  private NchanProcess(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts Nchan with its files under {@code dir}; aborts the test if Nchan is not installed here. */
  public static NchanProcess start(Path dir) throws Exception {
    assumeInstalled();
    Exec last = null;
    for (int attempt = 0; attempt < 3; attempt++) { // a free port can be taken before nginx binds it
      int port = freePort();
      last = run(List.of("start", String.valueOf(port), dir.toString()), 30);
      if (last.exitCode == 0) {
        return new NchanProcess(dir, port);
      }
    }
    throw new IllegalStateException("run-nchan.sh start failed three times; last output:\n" + last.output);
  }

  /** Aborts the calling test (skipped, with the reason) when nginx or the nchan module is not installed. */
  public static void assumeInstalled() throws Exception {
    Exec check = run(List.of("check"), 30);
    if (check.exitCode == NOT_INSTALLED && !"1".equals(System.getenv("HERALD_REQUIRE_NCHAN"))) {
      Assumptions.abort("Nchan not installed on this machine (apt-get install -y nginx libnginx-mod-nchan; "
          + ".ci/run installs it): " + check.output.strip());
    }
    if (check.exitCode != 0) {
      throw new IllegalStateException("run-nchan.sh check exited " + check.exitCode + ":\n" + check.output);
    }
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** The nginx master's PID, from the pid file run-nchan.sh's nginx wrote. */
  public long pid() throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("nginx.pid")).strip());
  }

  @Override
  public void close() throws Exception {
    long pid = pid();
    Exec stop = run(List.of("stop", dir.toString()), 30);
    if (stop.exitCode != 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      throw new IllegalStateException("run-nchan.sh stop did not stop nginx " + pid + ":\n" + stop.output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private record Exec(int exitCode, String output) {
  }

  /** Runs the script with {@code args}, bounded by {@code timeoutSeconds}; stdout and stderr together. */
  private static Exec run(List<String> args, long timeoutSeconds) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(args);
    Path log = Files.createTempFile("run-nchan", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("run-nchan.sh " + args + " did not finish in " + timeoutSeconds + " s");
      }
      return new Exec(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
