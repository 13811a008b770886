package io.herald.node.k8s;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.kubernetes.KubernetesProperties;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.testing.HttpApiClient;
import io.herald.node.k8s.Manifests.Rendered;
import io.herald.node.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every overlay of {@code k8s/} renders ({@code kubectl kustomize}) and validates against the
 * Kubernetes schemas, and what the manifests say agrees with what Herald serves and reads: probe paths
 * and ports answered by a real node, the Services' ports and selectors, the discovery Service's DNS name
 * in the mounted cluster config, the mounted Herald config, the secrets' variable names, the drain time.
 */
class KubernetesManifestsTest {

  static final List<String> overlays = Manifests.OVERLAYS;
  private static final String INSTANCE = "app.kubernetes.io/instance";
  private static final String VERSION = "app.kubernetes.io/version";

  private static TestNode node;
  private static Vertx client;

  private static int adminPort;

  @BeforeAll
  static void startNode() throws java.io.IOException {
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      adminPort = free.getLocalPort();
    }
    node = TestNode.start(Map.of(HeraldConfig.ADMIN_PORT.key(), Integer.toString(adminPort)));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stopNode() {
    node.close();
    client.close();
  }

  @ParameterizedTest
  @FieldSource("overlays")
  void everyOverlayRendersToValidObjectsOfEveryKindHeraldNeeds(String overlay) {
    Rendered rendered = Manifests.render(overlay);

    assertThat(rendered.objects()).extracting(o -> o.getString("kind")).contains("Namespace", "Deployment", "Service",
        "ConfigMap", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceMonitor", "PrometheusRule", "NetworkPolicy");
    assertThat(rendered.ofKind("Service")).hasSize(3);
    assertThat(rendered.objects()).filteredOn(o -> !"Namespace".equals(o.getString("kind")))
        .allSatisfy(o -> assertThat(o.getJsonObject("metadata").getString("namespace")).isEqualTo(rendered.namespace()));
    assertThat(rendered.get("Namespace", rendered.namespace())).isNotNull();
  }

  @Test
  void devRunsOneMemberAndProdThreeSpreadOverNodes() {
    Rendered dev = Manifests.render("dev");
    Rendered prod = Manifests.render("prod");

    assertThat(dev.deployment().getJsonObject("spec").getInteger("replicas")).isEqualTo(1);
    assertThat(dev.get("HorizontalPodAutoscaler", "herald").getJsonObject("spec").getInteger("minReplicas")).isEqualTo(1);
    assertThat(prod.deployment().getJsonObject("spec").getInteger("replicas")).isEqualTo(3);
    assertThat(prod.get("HorizontalPodAutoscaler", "herald").getJsonObject("spec").getInteger("minReplicas")).isEqualTo(3);
    JsonArray antiAffinity = prod.podSpec().getJsonObject("affinity").getJsonObject("podAntiAffinity")
        .getJsonArray("preferredDuringSchedulingIgnoredDuringExecution");
    assertThat(antiAffinity.stream().map(JsonObject.class::cast).map(t -> t.getJsonObject("podAffinityTerm")))
        .anySatisfy(term -> {
          assertThat(term.getString("topologyKey")).isEqualTo("kubernetes.io/hostname");
          assertThat(podLabels(prod)).containsAllEntriesOf(term.getJsonObject("labelSelector").getJsonObject("matchLabels").getMap());
        });
  }

  @ParameterizedTest
  @FieldSource("overlays")
  void probesAskARealNodeOnThePortItServes(String overlay) {
    Rendered rendered = Manifests.render(overlay);
    JsonObject container = rendered.container();
    // The container sets no port, so Herald listens on its default.
    assertThat(rendered.containerPort("http")).isEqualTo(HeraldConfig.PORT.defaultValue());
    assertThat(container.getJsonArray("args").getList()).doesNotContain("--port");
    assertThat(container.getJsonArray("env").stream().map(e -> ((JsonObject) e).getString("name")))
        .doesNotContain(HeraldConfig.PORT.envName(), HeraldConfig.HOST.envName());

    HttpApiClient http = new HttpApiClient(client, node.port());
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      JsonObject get = container.getJsonObject(probe).getJsonObject("httpGet");
      assertThat(get.getString("port")).as(probe).isEqualTo("http");
      assertThat(http.get(get.getString("path")).status()).as(probe + " " + get.getString("path") + " on a ready node").isEqualTo(200);
    }
    assertThat(container.getJsonObject("readinessProbe").getJsonObject("httpGet").getString("path")).isEqualTo("/health/ready");
    assertThat(container.getJsonObject("livenessProbe").getJsonObject("httpGet").getString("path")).isEqualTo("/health/live");
  }

  @ParameterizedTest
  @FieldSource("overlays")
  void servicesPdbAndServiceMonitorSelectTheHeraldPodsOnTheirPorts(String overlay) {
    Rendered rendered = Manifests.render(overlay);
    Map<String, Object> pods = podLabels(rendered);

    JsonObject clients = rendered.get("Service", "herald").getJsonObject("spec");
    assertThat(pods).containsAllEntriesOf(clients.getJsonObject("selector").getMap());
    JsonObject clientPort = clients.getJsonArray("ports").getJsonObject(0);
    assertThat(clientPort.getInteger("port")).isEqualTo(8080);
    assertThat(rendered.containerPort(clientPort.getString("targetPort"))).isEqualTo(HeraldConfig.PORT.defaultValue());

    JsonObject discovery = headlessService(rendered).getJsonObject("spec");
    assertThat(pods).containsAllEntriesOf(discovery.getJsonObject("selector").getMap());
    assertThat(discovery.getBoolean("publishNotReadyAddresses")).as("members are found before they are ready").isTrue();
    JsonObject memberPort = discovery.getJsonArray("ports").getJsonObject(0);
    assertThat(memberPort.getInteger("port")).isEqualTo(5701);
    assertThat(rendered.containerPort(memberPort.getString("targetPort"))).isEqualTo(5701);

    assertThat(pods).containsAllEntriesOf(rendered.get("PodDisruptionBudget", "herald").getJsonObject("spec")
        .getJsonObject("selector").getJsonObject("matchLabels").getMap());
    assertThat(rendered.deployment().getJsonObject("spec").getJsonObject("selector").getJsonObject("matchLabels").getMap())
        .isEqualTo(rendered.get("PodDisruptionBudget", "herald").getJsonObject("spec").getJsonObject("selector").getJsonObject("matchLabels").getMap());

    JsonObject monitor = rendered.get("ServiceMonitor", "herald").getJsonObject("spec");
    Map<String, Object> monitored = monitor.getJsonObject("selector").getJsonObject("matchLabels").getMap();
    assertThat(rendered.ofKind("Service")).filteredOn(s -> s.getJsonObject("metadata").getJsonObject("labels").getMap().entrySet()
            .containsAll(monitored.entrySet()))
        .as("the ServiceMonitor selects the admin Service only").extracting(s -> s.getJsonObject("metadata").getString("name"))
        .containsExactly("herald-admin");
    JsonObject admin = rendered.get("Service", "herald-admin").getJsonObject("spec");
    assertThat(pods).containsAllEntriesOf(admin.getJsonObject("selector").getMap());
    assertThat(admin.getBoolean("publishNotReadyAddresses")).as("not-ready pods are scraped too").isTrue();
    JsonObject adminPort = admin.getJsonArray("ports").getJsonObject(0);
    assertThat(rendered.containerPort(adminPort.getString("targetPort"))).isEqualTo(config(rendered).get(HeraldConfig.ADMIN_PORT));
    JsonObject endpoint = monitor.getJsonArray("endpoints").getJsonObject(0);
    assertThat(endpoint.getString("port")).isEqualTo(adminPort.getString("name"));
    assertThat(endpoint.getString("path")).isEqualTo("/metrics");
    // A node with an admin port serves /metrics there only.
    assertThat(new HttpApiClient(client, adminPort()).get("/metrics").status()).isEqualTo(200);
    assertThat(new HttpApiClient(client, node.port()).get("/metrics").status()).isEqualTo(404);

    JsonObject target = rendered.get("HorizontalPodAutoscaler", "herald").getJsonObject("spec").getJsonObject("scaleTargetRef");
    assertThat(target.getString("kind") + "/" + target.getString("name")).isEqualTo("Deployment/herald");
  }

  @ParameterizedTest
  @FieldSource("overlays")
  void theMountedClusterConfigDiscoversMembersThroughTheHeadlessServiceOfThePodsNamespace(String overlay) {
    Rendered rendered = Manifests.render(overlay);
    // As in the pod: JDK_JAVA_OPTIONS=-Dherald.namespace=$(POD_NAMESPACE), POD_NAMESPACE from the pod's namespace.
    assertThat(rendered.env("POD_NAMESPACE").getJsonObject("valueFrom").getJsonObject("fieldRef").getString("fieldPath"))
        .isEqualTo("metadata.namespace");
    assertThat(rendered.env("JDK_JAVA_OPTIONS").getString("value")).contains("-Dherald.namespace=$(POD_NAMESPACE)");
    List<String> envOrder = rendered.container().getJsonArray("env").stream().map(e -> ((JsonObject) e).getString("name")).toList();
    assertThat(envOrder.indexOf("POD_NAMESPACE")).as("Kubernetes expands $(VAR) only from earlier variables")
        .isLessThan(envOrder.indexOf("JDK_JAVA_OPTIONS"));
    Properties jvm = new Properties();
    jvm.setProperty("herald.namespace", rendered.namespace());

    Config hazelcast = Config.loadFromString(rendered.configFiles().getString("cluster.xml"), jvm);

    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    JsonObject headless = headlessService(rendered);
    assertThat(join.getKubernetesConfig().getProperty(KubernetesProperties.SERVICE_DNS.key()))
        .isEqualTo(headless.getJsonObject("metadata").getString("name") + "." + rendered.namespace() + ".svc.cluster.local");
    int servicePort = headless.getJsonObject("spec").getJsonArray("ports").getJsonObject(0).getInteger("port");
    assertThat(Integer.parseInt(join.getKubernetesConfig().getProperty(KubernetesProperties.SERVICE_PORT.key()))).isEqualTo(servicePort);
    assertThat(hazelcast.getNetworkConfig().getPort()).isEqualTo(rendered.containerPort("hazelcast"));
    assertThat(hazelcast.getNetworkConfig().getInterfaces().isEnabled()).as("binds the pod's address, not loopback").isFalse();
  }

  @ParameterizedTest
  @FieldSource("overlays")
  void theContainerReadsTheMountedHeraldConfigWhichNamesTheMountedClusterConfig(String overlay) {
    Rendered rendered = Manifests.render(overlay);
    String mount = rendered.mountPath("config");
    assertThat(rendered.container().getJsonArray("args").getList()).containsExactly("--cluster", "--config", mount + "/herald.json");
    assertThat(rendered.configFiles().fieldNames()).containsExactlyInAnyOrder("herald.json", "cluster.xml");

    HeraldConfig config = HeraldConfig.load(new JsonObject(rendered.configFiles().getString("herald.json")), Map.of(), Map.of());

    assertThat(config.get(HeraldConfig.CLUSTER_CONFIG)).isEqualTo(mount + "/cluster.xml");
  }

  @ParameterizedTest
  @FieldSource("overlays")
  void terminationGraceCoversPreStopDrainAndLeaveAndTheRollKeepsEveryMember(String overlay) {
    Rendered rendered = Manifests.render(overlay);
    long drainMs = HeraldConfig.load(new JsonObject(rendered.configFiles().getString("herald.json")), Map.of(), Map.of())
        .get(HeraldConfig.SHUTDOWN_DRAIN_MS);
    List<Object> preStop = rendered.container().getJsonObject("lifecycle").getJsonObject("preStop").getJsonObject("exec")
        .getJsonArray("command").getList();
    assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
    long preStopS = Long.parseLong((String) preStop.get(1));
    // Main waits drain_ms + 5 s for the drain and the graceful leave, then exits.
    long needed = preStopS + drainMs / 1000 + 5;

    assertThat(rendered.podSpec().getLong("terminationGracePeriodSeconds")).isGreaterThan(needed);
    JsonObject rolling = rendered.deployment().getJsonObject("spec").getJsonObject("strategy").getJsonObject("rollingUpdate");
    assertThat(rolling.getInteger("maxUnavailable")).isZero();
    assertThat(rolling.getInteger("maxSurge")).isEqualTo(1);
    assertThat(rendered.get("PodDisruptionBudget", "herald").getJsonObject("spec").getInteger("maxUnavailable")).isEqualTo(1);
  }

  @ParameterizedTest
  @FieldSource("overlays")
  void secretsReachHeraldThroughItsEnvironmentVariables(String overlay) {
    Rendered rendered = Manifests.render(overlay);
    JsonObject apiKey = rendered.env(HeraldConfig.API_KEY.envName()).getJsonObject("valueFrom").getJsonObject("secretKeyRef");
    assertThat(apiKey.getString("name")).isEqualTo("herald-secrets");
    assertThat(apiKey.getString("key")).isEqualTo("api-key");
    assertThat(apiKey.getBoolean("optional", false)).as("no pod without an API key").isFalse();
    for (var jwt : Map.of(HeraldConfig.AUTH_HMAC_SECRET, "auth-hmac-secret", HeraldConfig.AUTH_PUBLIC_KEYS, "auth-public-keys").entrySet()) {
      JsonObject ref = rendered.env(jwt.getKey().envName()).getJsonObject("valueFrom").getJsonObject("secretKeyRef");
      assertThat(ref.getString("name") + "/" + ref.getString("key")).isEqualTo("herald-secrets/" + jwt.getValue());
      assertThat(ref.getBoolean("optional")).as("either JWT key may be missing").isTrue();
    }
    assertThat(rendered.env(HeraldConfig.NODE_ID.envName()).getString("value")).isEqualTo("$(POD_NAME)");

    if (overlay.equals("dev")) {
      assertThat(rendered.get("Secret", "herald-secrets").getJsonObject("stringData").getString("api-key")).isNotBlank();
    } else {
      assertThat(rendered.ofKind("Secret")).as("production brings its own secret").isEmpty();
    }
  }

  @ParameterizedTest
  @FieldSource("overlays")
  void theDashboardShipsAsAConfigMapForGrafanasSidecar(String overlay) {
    JsonObject dashboard = Manifests.render(overlay).get("ConfigMap", "herald-grafana-dashboard");

    assertThat(dashboard.getJsonObject("metadata").getJsonObject("labels").getString("grafana_dashboard")).isEqualTo("1");
    assertThat(new JsonObject(dashboard.getJsonObject("data").getString("herald-dashboard.json")).getJsonArray("panels")).isNotEmpty();
  }

  @ParameterizedTest
  @FieldSource("overlays")
  void everyObjectAndItsPodsSayWhichHeraldAndWhichVersionWhileSelectorsStayAsTheBaseHasThem(String overlay) {
    Rendered rendered = Manifests.render(overlay);
    String image = rendered.container().getString("image");
    String version = image.substring(image.lastIndexOf(':') + 1);

    assertThat(rendered.objects()).allSatisfy(o -> assertThat(labels(o).get(INSTANCE)).as(name(o)).isNotNull()
        .isEqualTo(labels(rendered.deployment()).get(INSTANCE)));
    // The overlay's own objects (its Namespace, dev's Secret) are not the base's release.
    assertThat(rendered.objects()).filteredOn(o -> !List.of("Namespace", "Secret").contains(o.getString("kind")))
        .allSatisfy(o -> assertThat(labels(o).get(VERSION)).as(name(o) + " (the image's tag)").isEqualTo(version));
    assertThat(podLabels(rendered)).containsEntry(INSTANCE, labels(rendered.deployment()).get(INSTANCE))
        .containsEntry(VERSION, version);

    Map<String, Object> selector = Map.of("app.kubernetes.io/name", "herald", "app.kubernetes.io/component", "broker");
    assertThat(rendered.deployment().getJsonObject("spec").getJsonObject("selector").getJsonObject("matchLabels").getMap())
        .as("a Deployment's selector is immutable: it must not change from release to release").isEqualTo(selector);
    assertThat(rendered.ofKind("Service")).allSatisfy(svc ->
        assertThat(svc.getJsonObject("spec").getJsonObject("selector").getMap()).as(name(svc)).isEqualTo(selector));
    assertThat(rendered.get("PodDisruptionBudget", "herald").getJsonObject("spec").getJsonObject("selector")
        .getJsonObject("matchLabels").getMap()).isEqualTo(selector);
    assertThat(rendered.get("NetworkPolicy", "herald").getJsonObject("spec").getJsonObject("podSelector")
        .getJsonObject("matchLabels").getMap()).isEqualTo(selector);
  }

  private static Map<String, Object> labels(JsonObject object) {
    JsonObject labels = object.getJsonObject("metadata").getJsonObject("labels");
    return labels == null ? Map.of() : labels.getMap();
  }

  private static String name(JsonObject object) {
    return object.getString("kind") + " " + object.getJsonObject("metadata").getString("name");
  }

  private static HeraldConfig config(Rendered rendered) {
    return rendered.heraldConfig(Map.of("api-key", "k"));
  }

  private static int adminPort() {
    return adminPort;
  }

  private static Map<String, Object> podLabels(Rendered rendered) {
    return rendered.deployment().getJsonObject("spec").getJsonObject("template").getJsonObject("metadata")
        .getJsonObject("labels").getMap();
  }

  private static JsonObject headlessService(Rendered rendered) {
    List<JsonObject> headless = rendered.ofKind("Service").stream()
        .filter(s -> "None".equals(s.getJsonObject("spec").getString("clusterIP"))).toList();
    assertThat(headless).hasSize(1);
    return headless.get(0);
  }
}
