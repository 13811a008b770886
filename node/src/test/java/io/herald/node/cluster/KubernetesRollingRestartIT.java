package io.herald.node.cluster;

import io.herald.gateway.testing.HttpApiClient;
import io.herald.node.k8s.Manifests.Image;
import io.herald.node.k8s.Manifests.Rendered;
import io.herald.node.k8s.Manifests;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes life cycle rehearsed on loopback, without Kubernetes: the prod overlay's pods run as
 * processes with the image's entrypoint (Dockerfile: its JVM flags, {@code -jar} the jar {@code mvn package}
 * built), the Deployment's args and environment (downward API, secrets) and the herald-config ConfigMap's
 * files in a directory standing for its mount, then a rolling update the way the Deployment's strategy
 * does it (maxSurge 1, maxUnavailable 0): start a new pod, wait until its readiness probe answers 200,
 * SIGTERM an old one and wait until it has drained and left; under continuous publishing, with zero loss
 * for recovering clients, and every drained client closed with 1001.
 *
 * <p>The prod overlay runs production mode (clients authenticate: the subscribers carry a JWT signed with
 * the secret's {@code auth-hmac-secret}; the backend publishes on the admin port with the API key) and TLS on
 * the event bus from the secret {@code herald-cluster-tls}, whose PEM files the test makes with openssl.
 *
 * <p>What loopback changes (docs/deploy.md, "Rehearsal"): a pod has its own IP and finds the others
 * through the headless Service's DNS name; here every pod's IP ({@code status.podIP}, so {@code cluster.host})
 * is 127.0.0.1, it joins through {@code cluster.members=127.0.0.1} (which turns the mounted config's
 * Kubernetes discovery into a TCP-IP join, nothing else of the file changes) on a free range of member
 * ports, with a cluster name of its own, and listens on free HTTP, admin and event-bus ports instead of
 * 8080, 9090 and 5801.
 * The container's memory and CPU limits become {@code -XX:MaxRAM} and {@code -XX:ActiveProcessorCount}, which
 * is what the JVM reads from the cgroup in the container. The preStop sleep only waits for endpoint
 * propagation, which loopback does not have, so SIGTERM comes at once.
 */
class KubernetesRollingRestartIT {

  private static final String OVERLAY = "prod";
  private static final Path JAR = Manifests.ROOT.resolve("node").resolve("target").resolve("herald.jar");
  private static final String NAMESPACE = "rehearsal";
  private static final int SUBSCRIBERS_PER_POD = 2;
  private static final long PUBLISH_INTERVAL_MS = 20;

  private final List<NodeProcess> pods = new CopyOnWriteArrayList<>();
  private final Map<NodeProcess, Integer> adminPorts = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<RecoveringSubscriber> subscribers = new ArrayList<>();
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final AtomicInteger podNames = new AtomicInteger();
  private Rendered rendered;
  private Image image;
  /** Each mounted volume's path in the pod to the directory standing for it here. */
  private final Map<String, Path> mounts = new LinkedHashMap<>();
  private String cluster;
  private int hazelcastPort;
  private String apiKey;
  private String jwtSecret;
  private Vertx vertx;

  @BeforeEach
  void startPods() throws IOException {
    assertThat(JAR).as("the jar `mvn package` builds (mvn verify packages before the ITs)").isRegularFile();
    rendered = Manifests.render(OVERLAY);
    image = Manifests.image();
    Path config = Files.createTempDirectory("herald-etc");
    mounts.put(rendered.mountPath("config"), config);
    for (String file : rendered.configFiles().fieldNames()) {
      Files.writeString(config.resolve(file), mapMounts(rendered.configFiles().getString(file)));
    }
    // The secret herald-cluster-tls, made the way docs/deploy.md says.
    Path tls = Files.createTempDirectory("herald-tls");
    mounts.put(rendered.mountPath("cluster-tls"), tls);
    ClusterCertificates certificates = ClusterCertificates.create(tls, "rehearsal");
    Files.move(certificates.key(), tls.resolve("tls.key"));
    Files.move(certificates.cert(), tls.resolve("tls.crt"));
    Files.move(certificates.ca(), tls.resolve("ca.crt"));
    vertx = Vertx.vertx();
    cluster = "rehearsal-" + UUID.randomUUID();
    hazelcastPort = NodeProcess.freePortRange();
    apiKey = UUID.randomUUID().toString();
    jwtSecret = UUID.randomUUID().toString();
    int replicas = rendered.deployment().getJsonObject("spec").getInteger("replicas");
    for (int i = 0; i < replicas; i++) {
      pods.add(startPod());
    }
  }

  @AfterEach
  void stopPods() throws IOException {
    subscribers.forEach(RecoveringSubscriber::stop);
    pods.forEach(NodeProcess::close);
    if (vertx != null) { // null when the test was skipped before it started (no kubectl)
      vertx.close();
    }
    for (Path dir : mounts.values()) {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  @Test
  void aRollingUpdateTheWayTheDeploymentDoesItLosesNothingForRecoveringClients() {
    JsonObject rolling = rendered.deployment().getJsonObject("spec").getJsonObject("strategy").getJsonObject("rollingUpdate");
    assertThat(rolling.getInteger("maxSurge") + "/" + rolling.getInteger("maxUnavailable")).as("the order rehearsed below").isEqualTo("1/0");
    String channel = "rehearsal:" + UUID.randomUUID();
    subscribeOnEveryPod(channel);
    ContinuousPublisher publisher = new ContinuousPublisher(vertx, channel, this::nextLiveAdminPort, PUBLISH_INTERVAL_MS, 5_000, apiKey);
    publisher.start();
    awaitAcknowledged(publisher, 30);

    for (NodeProcess old : List.copyOf(pods)) {
      NodeProcess surge = startPod();
      pods.add(surge);
      awaitReady(surge);
      old.stop(); // SIGTERM; returns once the process has exited
      pods.remove(old);
      adminPorts.remove(old);
      assertThat(old.said("stopped")).as("drained and left within its own bound: %s", old.output()).isTrue();
      assertThat(old.output()).noneMatch(line -> line.contains("drain did not finish"));
      awaitAcknowledged(publisher, publisher.progress().acknowledged().size() + 30);
    }
    publisher.stop();

    Deliveries.assertEveryAcknowledgedMessageDeliveredInOrder(publisher, subscribers);
    for (RecoveringSubscriber s : subscribers) {
      assertThat(s.snapshot().closeCodes()).as("every subscriber was drained at least once, always with 1001")
          .isNotEmpty().containsOnly((short) 1001);
    }
    HttpApiClient admin = new HttpApiClient(vertx, adminPorts.get(pods.get(0)));
    assertThat(admin.request(HttpMethod.GET, "/api/info", null, apiKey).json().getJsonArray("nodes")).hasSize(pods.size());
    assertThat(admin.get("/api/info").status()).as("the API key from the secret is in force").isEqualTo(401);
    assertThat(new HttpApiClient(vertx, pods.get(0).port).get("/api/info").status()).as("the API is on the admin port only").isEqualTo(404);
    assertThat(pods.get(0).output()).as("production mode").anyMatch(line -> line.contains("production mode"));
  }

  /** A pod of the Deployment, as a process on loopback. */
  private NodeProcess startPod() {
    String podName = "herald-" + podNames.incrementAndGet();
    int port = NodeProcess.freePort();
    int adminPort = NodeProcess.freePort();
    JsonObject container = rendered.container();
    JsonObject limits = container.getJsonObject("resources").getJsonObject("limits");

    List<String> command = new ArrayList<>();
    List<String> entrypoint = image.entrypoint();
    assertThat(entrypoint.get(0)).isEqualTo("java");
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String part : entrypoint.subList(1, entrypoint.size())) {
      if (part.equals("-jar")) {
        command.add("-XX:MaxRAM=" + bytes(limits.getString("memory")));
        command.add("-XX:ActiveProcessorCount=" + cores(limits.getString("cpu")));
        command.add(part);
      } else if (part.equals(image.copies().get("/src/node/target/herald.jar"))) {
        command.add(JAR.toString());
      } else {
        command.add(part);
      }
    }
    container.getJsonArray("args").forEach(arg -> command.add(mapMounts((String) arg)));
    command.addAll(List.of("--port", Integer.toString(port), "--host", "127.0.0.1",
        "--set", "admin.port=" + adminPort, "--set", "admin.host=127.0.0.1",
        "--set", "cluster.bus_port=" + NodeProcess.freePort(),
        "--set", "cluster.members=127.0.0.1", "--set", "cluster.port=" + hazelcastPort, "--set", "cluster.name=" + cluster));
    NodeProcess pod = NodeProcess.launch(command, environment(podName), port);
    adminPorts.put(pod, adminPort);
    return pod;
  }

  /** The container's environment: downward API values of a pod on loopback, the secrets, mount paths mapped. */
  private Map<String, String> environment(String podName) {
    Map<String, String> env = new LinkedHashMap<>();
    rendered.environment(Map.of("metadata.namespace", NAMESPACE, "metadata.name", podName, "status.podIP", "127.0.0.1"),
            Map.of("api-key", apiKey, "auth-hmac-secret", jwtSecret))
        .forEach((name, value) -> env.put(name, mapMounts(value)));
    return env;
  }

  private String mapMounts(String text) {
    for (Map.Entry<String, Path> m : mounts.entrySet()) {
      text = text.replace(m.getKey() + "/", m.getValue() + "/");
    }
    return text;
  }

  private void awaitReady(NodeProcess pod) {
    String path = rendered.container().getJsonObject("readinessProbe").getJsonObject("httpGet").getString("path");
    HttpApiClient http = new HttpApiClient(vertx, pod.port);
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> http.get(path).status() == 200);
  }

  private void subscribeOnEveryPod(String channel) {
    for (NodeProcess pod : pods) {
      for (int i = 0; i < SUBSCRIBERS_PER_POD; i++) {
        AtomicInteger attempts = new AtomicInteger();
        RecoveringSubscriber s = new RecoveringSubscriber(vertx, channel,
            () -> attempts.getAndIncrement() == 0 ? pod.port : nextLivePort(), token("subscriber-" + subscribers.size()));
        subscribers.add(s);
        s.start();
      }
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> subscribers.stream().allMatch(s -> s.snapshot().subscribed()));
  }

  /** Like a Service: round robin over the pods whose process runs (a draining one refuses, and the client moves on). */
  private int nextLivePort() {
    return nextLive().port;
  }

  /** Like the herald-admin Service, for the backend's publishes. */
  private int nextLiveAdminPort() {
    return adminPorts.get(nextLive());
  }

  private NodeProcess nextLive() {
    List<NodeProcess> now = List.copyOf(pods);
    for (int i = 0; i < now.size(); i++) {
      NodeProcess candidate = now.get(Math.floorMod(roundRobin.getAndIncrement(), now.size()));
      if (candidate.alive()) {
        return candidate;
      }
    }
    return now.get(0);
  }

  /** A client JWT as the backend would sign it, with the secret's auth-hmac-secret (HS256). */
  private String token(String user) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(jwtSecret)))
        .generateToken(new JsonObject().put("sub", user), new JWTOptions().setExpiresInMinutes(30));
  }

  private static void awaitAcknowledged(ContinuousPublisher publisher, int count) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> publisher.progress().acknowledged().size() >= count);
  }

  /** A Kubernetes memory quantity (1Gi, 512Mi, 1G) in bytes. */
  static long bytes(String quantity) {
    Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|K|M|G)?").matcher(quantity);
    assertThat(m.matches()).as("memory quantity " + quantity).isTrue();
    long n = Long.parseLong(m.group(1));
    return n * switch (m.group(2) == null ? "" : m.group(2)) {
      case "Ki" -> 1L << 10;
      case "Mi" -> 1L << 20;
      case "Gi" -> 1L << 30;
      case "K" -> 1_000L;
      case "M" -> 1_000_000L;
      case "G" -> 1_000_000_000L;
      default -> 1L;
    };
  }

  /** A Kubernetes CPU quantity (2, 500m) as whole processors for the JVM, at least 1. */
  static int cores(String quantity) {
    double cpus = quantity.endsWith("m") ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000 : Double.parseDouble(quantity);
    return Math.max(1, (int) Math.ceil(cpus));
  }
}
