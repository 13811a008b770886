package io.herald.node.k8s;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.SecurityPolicy;
import io.herald.node.k8s.Manifests.Rendered;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the rendered manifests leave open: only documented {@code HERALD_*} variables (the node refuses
 * unknown ones; Kubernetes' service links are off), production mode with the API and metrics on the
 * admin port and TLS on the event bus in prod, members bound to the pod's address, and a NetworkPolicy
 * that admits the member and bus ports from Herald pods only.
 */
class KubernetesSecurityTest {

  static final List<String> overlays = Manifests.OVERLAYS;
  /** The secret's keys as deploy.md has them made (production refuses an HMAC secret under 32 bytes). */
  private static final String HMAC_SECRET = "s".repeat(32);
  private static final Map<String, String> SECRETS = Map.of("api-key", "k", "auth-hmac-secret", HMAC_SECRET);

  @ParameterizedTest
  @FieldSource("overlays")
  void everyHeraldVariableIsASettingAndServiceLinksAreOff(String overlay) {
    Rendered rendered = Manifests.render(overlay);
    List<String> settings = Stream.concat(HeraldConfig.SETTINGS.stream().map(s -> s.envName()),
        Stream.of(HeraldConfig.NAMESPACES_ENV)).toList();

    assertThat(rendered.container().getJsonArray("env").stream().map(e -> ((JsonObject) e).getString("name"))
        .filter(n -> n.startsWith(HeraldConfig.ENV_PREFIX))).isNotEmpty().allSatisfy(n -> assertThat(settings).contains(n));
    assertThat(rendered.podSpec().getBoolean("enableServiceLinks"))
        .as("else Kubernetes injects HERALD_SERVICE_HOST, HERALD_PORT=tcp://... for the Service herald").isFalse();
    assertThat(rendered.heraldConfig(SECRETS).get(HeraldConfig.AUTH_HMAC_SECRET)).isEqualTo(HMAC_SECRET);
  }

  @ParameterizedTest
  @FieldSource("overlays")
  void membersBindThePodAddressOnTheDeclaredPorts(String overlay) {
    Rendered rendered = Manifests.render(overlay);
    HeraldConfig config = rendered.heraldConfig(SECRETS);

    assertThat(config.get(HeraldConfig.CLUSTER_HOST)).isEqualTo(Manifests.POD_IP);
    assertThat(config.get(HeraldConfig.CLUSTER_BUS_PORT)).isEqualTo(rendered.containerPort("bus"));
    assertThat(config.get(HeraldConfig.ADMIN_PORT)).isEqualTo(rendered.containerPort("admin"));
  }

  @Test
  void prodRunsProductionModeWithTheAdminPortAndEventBusTls() {
    Rendered prod = Manifests.render("prod");
    HeraldConfig config = prod.heraldConfig(SECRETS);

    assertThat(SecurityPolicy.production(config)).isTrue();
    assertThat(SecurityPolicy.productionProblems(config)).as("with the documented secret keys").isEmpty();
    assertThat(SecurityPolicy.productionProblems(prod.heraldConfig(Map.of("api-key", "k"))))
        .as("no pod starts without a JWT key").isNotEmpty();
    assertThat(config.get(HeraldConfig.ADMIN_PORT)).isNotZero();
    String tls = prod.mountPath("cluster-tls");
    assertThat(prod.volume("cluster-tls").getJsonObject("secret").getString("secretName")).isEqualTo("herald-cluster-tls");
    assertThat(List.of(config.get(HeraldConfig.CLUSTER_TLS_KEY_FILE), config.get(HeraldConfig.CLUSTER_TLS_CERT_FILE),
        config.get(HeraldConfig.CLUSTER_TLS_CA_FILE))).containsExactly(tls + "/tls.key", tls + "/tls.crt", tls + "/ca.crt");

    HeraldConfig dev = Manifests.render("dev").heraldConfig(Map.of("api-key", "k"));
    assertThat(SecurityPolicy.production(dev)).as("dev: a throwaway API key, no JWT key needed").isFalse();
  }

  /** Who the NetworkPolicy admits on each container port: anyone, herald pods, or the namespace and monitoring. */
  @ParameterizedTest(name = "{0}: {1} port from {2}")
  @CsvSource({
      "dev,  http,      anyone",
      "dev,  hazelcast, herald",
      "dev,  bus,       herald",
      "dev,  admin,     namespace+monitoring",
      "prod, http,      anyone",
      "prod, hazelcast, herald",
      "prod, bus,       herald",
      "prod, admin,     namespace+monitoring",
  })
  void theNetworkPolicyAdmitsEachPortOnlyFromItsClients(String overlay, String port, String from) {
    Rendered rendered = Manifests.render(overlay);
    JsonObject policy = rendered.get("NetworkPolicy", "herald").getJsonObject("spec");
    assertThat(policy.getJsonObject("podSelector").getJsonObject("matchLabels").getMap())
        .isEqualTo(rendered.deployment().getJsonObject("spec").getJsonObject("selector").getJsonObject("matchLabels").getMap());
    assertThat(policy.getJsonArray("policyTypes").getList()).contains("Ingress");
    rendered.containerPort(port); // the policy names a port the container declares

    List<JsonObject> rules = policy.getJsonArray("ingress").stream().map(JsonObject.class::cast)
        .filter(r -> r.getJsonArray("ports").stream().anyMatch(p -> port.equals(((JsonObject) p).getString("port")))).toList();
    assertThat(rules).as("one rule for " + port).hasSize(1);
    JsonArray sources = rules.get(0).getJsonArray("from");
    switch (from) {
      case "anyone" -> assertThat(sources).isNull();
      case "herald" -> assertThat(sources.getList()).singleElement().satisfies(source ->
          assertThat(((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) source).get("podSelector")).get("matchLabels")))
              .isEqualTo(policy.getJsonObject("podSelector").getJsonObject("matchLabels").getMap()));
      default -> {
        assertThat(sources).hasSize(2);
        assertThat(sources.getJsonObject(0).getJsonObject("podSelector").isEmpty()).as("any pod of the namespace").isTrue();
        assertThat(sources.getJsonObject(1).getJsonObject("namespaceSelector").getJsonObject("matchLabels").getString(
            "kubernetes.io/metadata.name")).isEqualTo("monitoring");
      }
    }
  }
}
