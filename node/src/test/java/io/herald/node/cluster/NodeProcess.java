package io.herald.node.cluster;

import io.herald.node.Main;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A clustered Herald node in its own JVM, started with the node's real command line, so a test can
 * kill it the way a crash does (SIGKILL) or stop it the way an orchestrator does (SIGTERM). Its output may be
 * text or JSON lines (log.format): {@link #said} reads either.
 */
public final class NodeProcess implements AutoCloseable {

  static final long START_TIMEOUT_S = 90;

  final String host;
  final int port;
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private volatile String nodeId;

  private NodeProcess(String host, int port, Process process) {
    this.host = host;
    this.port = port;
    this.process = process;
    Thread reader = new Thread(this::readOutput, "node-" + host + ":" + port + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a member of {@code clusterName} whose Hazelcast ports start at {@code hazelcastPort};
   * returns once it prints that it is ready.
   */
  static NodeProcess start(String clusterName, int hazelcastPort, String... settings) {
    int port = freePort();
    List<String> command = memberCommand("127.0.0.1", port, clusterName);
    command.add("--set");
    command.add("cluster.port=" + hazelcastPort);
    for (String s : settings) {
      command.add("--set");
      command.add(s);
    }
    return launch(command, Map.of(), port);
  }

  /**
   * The command line of a member of {@code clusterName} serving on {@code host}:{@code port}, in a JVM of its own;
   * add {@code --set} pairs for the cluster's ports and members.
   */
  static List<String> memberCommand(String host, int port, String clusterName) {
    return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--cluster", "--port", Integer.toString(port), "--host", host,
        "--set", "cluster.name=" + clusterName,
        "--set", "shutdown.drain_ms=3000", "--set", "health.canary_interval_ms=1000"));
  }

  /**
   * Starts {@code command} (a node listening on {@code port} of loopback) with {@code env} added to this JVM's
   * environment; returns once it prints that it is ready.
   */
  public static NodeProcess launch(List<String> command, Map<String, String> env, int port) {
    return launch(command, env, "127.0.0.1", port);
  }

  /** Starts {@code command}, a node listening on {@code host}:{@code port}, as {@link #launch(List, Map, int)}. */
  static NodeProcess launch(List<String> command, Map<String, String> env, String host, int port) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      NodeProcess node = new NodeProcess(host, port, builder.start());
      node.ready.get(START_TIMEOUT_S, TimeUnit.SECONDS);
      return node;
    } catch (Exception e) {
      throw new AssertionError("node did not start", e);
    }
  }

  /** SIGKILL: no drain, no graceful leave; the cluster notices only by its silence. */
  void crash() {
    process.destroyForcibly();
    await();
  }

  /** SIGTERM: drains its clients (1001) and leaves the cluster, handing its partitions over. */
  public void stop() {
    process.toHandle().destroy();
    await();
  }

  /** Where clients reach the node. */
  SocketAddress address() {
    return SocketAddress.inetSocketAddress(port, host);
  }

  /** The process's id: the JVM's, unless the command was a wrapper that forked it. */
  long pid() {
    return process.pid();
  }

  /** The node's id, as presence and /api/info show it. */
  public String nodeId() {
    return nodeId;
  }

  boolean alive() {
    return process.isAlive();
  }

  public List<String> output() {
    return output;
  }

  private void await() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether the node said {@code line} about its own life ({@code stopped}, ...): as {@code herald: <line>} in the
   * text format, as a JSON line whose message it is in the json format.
   */
  public boolean said(String line) {
    return output.stream().anyMatch(l -> ("herald: " + line).equals(l) || line.equals(message(l)));
  }

  /** A JSON line's message, or null for a line of text. */
  private static String message(String line) {
    if (!line.startsWith("{")) {
      return null;
    }
    try {
      return new JsonObject(line).getString("message");
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      await();
    }
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        output.add(line);
        // The banner's first line, "herald: node <id> ready (...)", or a JSON line whose message is "node <id> ready (...)".
        String said = line.startsWith("herald: ") ? line.substring("herald: ".length()) : message(line);
        if (said != null && said.startsWith("node ") && said.contains(" ready (")) {
          nodeId = said.split(" ")[1];
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    ready.completeExceptionally(new AssertionError("exited before ready: " + String.join("\n", output)));
  }

  /** A port nobody listens on now (for a node of this JVM too: a shared port, where port 0 would be one per loop). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The first of 20 consecutive ports nobody listens on, for a test cluster's Hazelcast members; below Linux's
   * ephemeral range (32768 and up), where the nodes' own outgoing connections and event-bus ports would race them.
   */
  static int freePortRange() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20_000 + (int) (Math.random() * 12_000);
      boolean free = true;
      for (int p = base; p < base + 20 && free; p++) {
        try (ServerSocket socket = new ServerSocket(p)) {
          socket.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new AssertionError("no free range of 20 ports");
  }
}
