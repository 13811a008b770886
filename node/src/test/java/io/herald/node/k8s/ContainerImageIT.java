package io.herald.node.k8s;

import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.Commands;
import io.herald.node.testing.RequiredTools;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile built and run for real, with no registry and no Docker engine: podman (with runc) builds it from
 * two Debian bookworm base images made from Debian's packages (mmdebstrap makes the runtime base, a JRE; the build
 * base adds a JDK and Maven to it), passed as the Dockerfile's {@code BUILD_IMAGE} and {@code RUNTIME_IMAGE} build
 * arguments (their defaults are registry images). Its Maven stage reads this build's local repository through an
 * overlay mount: offline, and nothing is written back. The image then runs standalone on a free loopback port (host
 * network) under a 512 MiB memory limit, and is smoke-tested over real HTTP and /ws: ready, a subscriber gets a
 * message published through {@code /api/publish}, the process runs as the image's user 10001, the entrypoint's heap
 * is 75 % of the limit, and SIGTERM ({@code podman stop}) drains and stops it. The container and the image's tag are
 * removed even when a step fails.
 *
 * <p>The base images are made once and kept under the tags of {@link #BUILD_BASE} and {@link #RUNTIME_BASE}
 * (about 2-3 min; then reused); {@code podman rmi} them to make them again. Podman's configuration is the test's own
 * ({@code CONTAINERS_CONF}, {@link #containersConf}). Skipped without podman, runc and mmdebstrap unless
 * {@code HERALD_REQUIRE_PODMAN=1} ({@code .ci/run}); docs/deploy.md has the same steps as shell commands.
 */
class ContainerImageIT {

  /** The runtime base: Debian bookworm (mmdebstrap's minbase: apt, dpkg, passwd, ...) and a JRE 17. */
  static final String RUNTIME_BASE = "localhost/herald-test-base:runtime-bookworm-jre17";
  static final List<String> RUNTIME_PACKAGES = List.of("ca-certificates", "openjdk-17-jre-headless");
  /** The build base: the runtime base, a JDK 17 and Maven, from Debian's packages too. */
  static final String BUILD_BASE = "localhost/herald-test-base:build-bookworm-jdk17";
  static final String BUILD_BASE_CONTAINERFILE = """
      FROM %s
      RUN apt-get update -q \\
       && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless maven \\
       && apt-get clean && rm -rf /var/lib/apt/lists/*
      """.formatted(RUNTIME_BASE);
  static final String SUITE = "bookworm";
  static final String MEMORY_LIMIT_MIB = "512";

  static final long MMDEBSTRAP_TIMEOUT_S = 900;
  static final long IMPORT_TIMEOUT_S = 300;
  static final long BUILD_TIMEOUT_S = 1200;
  static final long PODMAN_TIMEOUT_S = 60;
  static final long READY_TIMEOUT_S = 120;

  private Path work;
  private Map<String, String> podmanEnv;

  @Test
  void theDockerfileBuildsAnImageThatServesAsItsUser() throws Exception {
    RequiredTools.assume(RequiredTools.Tool.PODMAN, "ContainerImageIT (builds the Dockerfile and smoke-tests the image)");
    work = Files.createDirectories(Path.of("target", "container-image").toAbsolutePath());
    Path conf = Files.writeString(work.resolve("containers.conf"), containersConf());
    podmanEnv = Map.of("CONTAINERS_CONF", conf.toString());
    Path cidFile = work.resolve("container.id");
    String image = "localhost/herald-image-it:" + UUID.randomUUID().toString().substring(0, 8);
    boolean built = false;
    try {
      ensureBase(RUNTIME_BASE, this::makeRuntimeBase);
      ensureBase(BUILD_BASE, this::makeBuildBase);
      build(image);
      built = true;
      Files.deleteIfExists(cidFile);
      int port = freeLoopbackPort();
      podman(List.of("run", "--detach", "--cidfile", cidFile.toString(), "--network", "host",
          "--memory", MEMORY_LIMIT_MIB + "m", image, "--port", Integer.toString(port), "--host", "127.0.0.1"),
          PODMAN_TIMEOUT_S);
      String container = Files.readString(cidFile).trim();
      smokeTest(container, port);
      stopDrained(container);
    } finally {
      if (Files.exists(cidFile)) {
        podmanQuietly(List.of("rm", "--force", "--time", "0", Files.readString(cidFile).trim()));
        Files.delete(cidFile);
      }
      if (built) {
        podmanQuietly(List.of("rmi", image));
      }
      Files.deleteIfExists(conf);
      Files.deleteIfExists(work);
    }
  }

  /**
   * Podman 4.3 (Debian bookworm) as this machine runs it: runc, since crun refuses hybrid cgroups; cgroupfs and file
   * events, without systemd; logs podman can read back; and open-file and process limits the container may have
   * (podman's defaults exceed the hard limits here): this JVM's own open-file limit, 4096 processes.
   */
  static String containersConf() throws IOException {
    String openFiles = Files.readAllLines(Path.of("/proc/self/limits")).stream()
        .filter(l -> l.startsWith("Max open files")).map(l -> l.trim().split("\\s+")[4]).findFirst().orElse("4096");
    return """
        # Written by ContainerImageIT for its podman commands (CONTAINERS_CONF).
        [containers]
        default_ulimits = ["nofile=%1$s:%1$s", "nproc=4096:4096"]
        log_driver = "k8s-file"

        [engine]
        runtime = "runc"
        cgroup_manager = "cgroupfs"
        events_logger = "file"
        """.formatted(openFiles);
  }

  /** A base image made once and kept under its tag. */
  interface Maker {
    void make() throws Exception;
  }

  /** Runs {@code maker} unless an image has {@code tag} already. */
  void ensureBase(String tag, Maker maker) throws Exception {
    if (podmanRun(List.of("image", "exists", tag), PODMAN_TIMEOUT_S).exitCode() == 0) {
      System.out.println("base image " + tag + ": reused");
      return;
    }
    long start = System.nanoTime();
    maker.make();
    System.out.println("base image " + tag + ": made in " + seconds(start) + " s");
  }

  /** mmdebstrap makes the root file system as a tarball, podman imports it. */
  void makeRuntimeBase() throws Exception {
    Path tar = work.resolve("runtime-base.tar");
    try {
      Commands.Run made = Commands.run(List.of("mmdebstrap", "--variant=minbase",
          "--include=" + String.join(",", RUNTIME_PACKAGES), SUITE, tar.toString()), work, Map.of(), MMDEBSTRAP_TIMEOUT_S);
      assertThat(made.exitCode()).as("mmdebstrap; output:%n%s", made.output()).isZero();
      // A tarball carries no image config: give it the PATH a Debian image has.
      podman(List.of("import", "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          tar.toString(), RUNTIME_BASE), IMPORT_TIMEOUT_S);
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  /** A layer on the runtime base: apt-get installs what it lacks (faster than a second mmdebstrap). */
  void makeBuildBase() throws Exception {
    Path context = Files.createDirectories(work.resolve("build-base"));
    Path containerfile = Files.writeString(context.resolve("Containerfile"), BUILD_BASE_CONTAINERFILE);
    try {
      podman(List.of("build", "--layers=false", "--network", "host", "--tag", BUILD_BASE, context.toString()),
          BUILD_TIMEOUT_S);
    } finally {
      Files.delete(containerfile);
      Files.delete(context);
    }
  }

  /** podman build of the repository's Dockerfile on the local bases; no layer cache, so no images but the tag stay. */
  void build(String image) throws Exception {
    long start = System.nanoTime();
    String repository = System.getProperty("herald.maven.repository",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    podman(List.of("build", "--layers=false", "--network", "host",
        "--volume", repository + ":/root/.m2/repository:O",
        "--build-arg", "BUILD_IMAGE=" + BUILD_BASE, "--build-arg", "RUNTIME_IMAGE=" + RUNTIME_BASE,
        "--tag", image, "--file", Manifests.DOCKERFILE.toString(), Manifests.ROOT.toString()), BUILD_TIMEOUT_S);
    System.out.println("image " + image + ": built in " + seconds(start) + " s");
  }

  void smokeTest(String container, int port) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpApiClient http = new HttpApiClient(vertx, port);
      awaitReady(container, http);

      try (WsClient subscriber = WsClient.connect(vertx, port)) {
        assertThat(subscriber.subscribe(1, "image-smoke").getString("type")).isEqualTo("subscribed");
        JsonObject published = http.publish("image-smoke", "from the image");
        assertThat(published.getLong("offset")).isEqualTo(1L);
        JsonObject message = subscriber.next("message");
        assertThat(message.getString("channel")).isEqualTo("image-smoke");
        assertThat(message.getLong("offset")).isEqualTo(1L);
        assertThat(message.getString("data")).isEqualTo("from the image");
      }

      // The container's first process is the entrypoint's java, as the Dockerfile's USER.
      String status = podman(List.of("exec", container, "cat", "/proc/1/status"), PODMAN_TIMEOUT_S);
      assertThat(status.lines().filter(l -> l.startsWith("Uid:") || l.startsWith("Gid:"))).as("/proc/1/status:%n%s", status)
          .containsExactly("Uid:\t10001\t10001\t10001\t10001", "Gid:\t10001\t10001\t10001\t10001");
      String command = podman(List.of("exec", container, "cat", "/proc/1/cmdline"), PODMAN_TIMEOUT_S);
      assertThat(command.split("\0")).startsWith("java").contains("-jar", "/opt/herald/herald.jar");

      // -XX:MaxRAMPercentage=75 of the container's limit, the heap G1's old generation may grow to.
      String metrics = http.get("/metrics").body().toString();
      String oldGenMax = metrics.lines().filter(l -> l.startsWith("jvm_memory_max_bytes") && l.contains("G1 Old Gen"))
          .findFirst().orElseThrow(() -> new AssertionError("no G1 old generation in /metrics:\n" + metrics));
      double heapMax = Double.parseDouble(oldGenMax.substring(oldGenMax.lastIndexOf(' ') + 1));
      assertThat(heapMax).as(oldGenMax).isEqualTo(0.75 * Long.parseLong(MEMORY_LIMIT_MIB) * 1024 * 1024);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Polls /health/ready until it answers 200; fails with the container's log if it exits or the deadline passes. */
  void awaitReady(String container, HttpApiClient http) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_S);
    while (true) {
      try {
        if (http.get("/health/ready").status() == 200) {
          return;
        }
      } catch (RuntimeException notListeningYet) {
        // connection refused while the JVM starts
      }
      String state = podman(List.of("inspect", "--format", "{{.State.Status}}", container), PODMAN_TIMEOUT_S).trim();
      if (!"running".equals(state) || System.nanoTime() > deadline) {
        throw new AssertionError("not ready within " + READY_TIMEOUT_S + " s (container " + state + "); log:\n"
            + podmanRun(List.of("logs", container), PODMAN_TIMEOUT_S).output());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
  }

  /** SIGTERM, as Kubernetes stops a pod: the node drains and exits within its bound. */
  void stopDrained(String container) throws Exception {
    podman(List.of("stop", "--time", "30", container), PODMAN_TIMEOUT_S);
    String log = podmanRun(List.of("logs", container), PODMAN_TIMEOUT_S).output();
    assertThat(log).as("the container's log").contains("ready (standalone", "herald: stopped");
  }

  /** Runs podman with this test's configuration; fails unless it exits 0; returns what it printed. */
  String podman(List<String> arguments, long timeoutSeconds) throws Exception {
    Commands.Run run = podmanRun(arguments, timeoutSeconds);
    assertThat(run.exitCode()).as("podman %s; output:%n%s", String.join(" ", arguments), run.output()).isZero();
    return run.output();
  }

  Commands.Run podmanRun(List<String> arguments, long timeoutSeconds) throws Exception {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(arguments);
    return Commands.run(command, work, podmanEnv, timeoutSeconds);
  }

  /** Cleanup: runs podman, says on the console what failed, and goes on. */
  void podmanQuietly(List<String> arguments) {
    try {
      Commands.Run run = podmanRun(arguments, PODMAN_TIMEOUT_S);
      if (run.exitCode() != 0) {
        System.out.println("cleanup: podman " + String.join(" ", arguments) + " failed: " + run.output());
      }
    } catch (Exception | AssertionError e) {
      System.out.println("cleanup: podman " + String.join(" ", arguments) + " failed: " + e);
    }
  }

  static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static long seconds(long startNanos) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }
}
