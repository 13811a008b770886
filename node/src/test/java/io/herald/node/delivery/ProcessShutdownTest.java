package io.herald.node.delivery;

import io.herald.gateway.testing.WsClient;
import io.herald.node.Main;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real {@code herald} process: SIGTERM drains it (clients get 1001) and it exits. */
class ProcessShutdownTest {

  static final long DRAIN_MS = 3_000;
  static final long START_TIMEOUT_S = 60;

  Vertx vertx;
  Process process;
  /** Every line the process printed (stdout and stderr). */
  final List<String> output = new CopyOnWriteArrayList<>();
  final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  @BeforeEach
  void createVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (process != null) {
      process.destroyForcibly();
    }
    vertx.close();
  }

  @Test
  void sigtermDrainsConnectionsWith1001AndExits() throws Exception {
    int port = freePort();
    process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--port", Integer.toString(port), "--host", "127.0.0.1", "--set", "shutdown.drain_ms=" + DRAIN_MS)
        .redirectErrorStream(true)
        .start();
    Thread reader = readOutput(process);
    awaitLine("herald: node ", START_TIMEOUT_S); // the banner: "herald: node <id> ready (...)"

    try (WsClient client = WsClient.connect(vertx, port)) {
      client.subscribe(1, "process");
      // SIGTERM. Process.destroy() would also close our end of the output pipe, losing what the
      // shutdown hook prints; the handle's destroy() only sends the signal.
      assertThat(process.toHandle().destroy()).isTrue();

      assertThat(client.awaitClose()).isEqualTo((short) 1001);
      assertThat(process.waitFor(DRAIN_MS + 10_000, TimeUnit.MILLISECONDS)).as("exited; output: %s", output).isTrue();
    }
    reader.join(10_000);
    assertThat(reader.isAlive()).as("output read to its end").isFalse();
    assertThat(output).anyMatch(line -> line.contains("draining: closing 1 connections with 1001"));
    assertThat(output).anyMatch(line -> line.contains("herald: stopped"));
  }

  private Thread readOutput(Process p) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          output.add(line);
          lines.add(line);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, "herald-process-output");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private void awaitLine(String fragment, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (true) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no line containing '" + fragment + "' within " + timeoutSeconds + " s; output: " + output);
      }
      if (line.contains(fragment)) {
        return;
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
