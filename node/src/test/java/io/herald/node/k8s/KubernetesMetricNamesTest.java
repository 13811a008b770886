package io.herald.node.k8s;

import io.herald.gateway.testing.HttpApiClient;
import io.herald.node.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the PrometheusRule's alerts and the Grafana dashboard query is one a live node exports
 * on /metrics (histograms by their _bucket/_count/_sum series), so no alert or panel silently watches
 * a name that does not exist. The one exception is kube-state-metrics' replica count, which the
 * cluster-size alert compares with.
 */
class KubernetesMetricNamesTest {

  /** Not Herald's: kube-state-metrics (kube-prometheus-stack installs it). */
  private static final Set<String> EXTERNAL = Set.of("kube_deployment_spec_replicas");
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "and", "or", "unless", "bool", "offset", "inf", "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private static TestNode node;
  private static Vertx client;
  private static Set<String> exported;

  @BeforeAll
  static void scrapeALiveNode() {
    node = TestNode.start();
    client = Vertx.vertx();
    String metrics = new HttpApiClient(client, node.port()).get("/metrics").body().toString();
    exported = metrics.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
  }

  @AfterAll
  static void stop() {
    node.close();
    client.close();
  }

  @Test
  void theAlertsCoverEveryServiceObjectiveOfTheIssue() {
    assertThat(alerts().stream().map(r -> r.getString("alert"))).containsExactlyInAnyOrder(
        "HeraldConnectionSetupSlow", "HeraldDeliveryLatencyHigh", "HeraldDeliveryLoss", "HeraldReadinessFlapping",
        "HeraldClusterSizeBelowExpected", "HeraldHeapHigh");
  }

  @Test
  void everyMetricTheAlertsUseIsExported() {
    Set<String> used = new LinkedHashSet<>();
    alerts().forEach(rule -> used.addAll(metricNames(rule.getString("expr"))));

    assertThat(used).contains("herald_connection_setup_seconds_bucket", "herald_delivery_latency_seconds_bucket",
        "herald_slow_consumer_closes_total", "herald_ready", "herald_cluster_members", "jvm_memory_used_bytes");
    assertThat(used).filteredOn(name -> !EXTERNAL.contains(name)).allSatisfy(name ->
        assertThat(exported).as("a live node's /metrics").contains(name));
  }

  @Test
  void everyMetricTheDashboardQueriesIsExported() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(Manifests.K8S.resolve("base").resolve("herald-dashboard.json")));
    Set<String> used = new LinkedHashSet<>();
    dashboard.getJsonArray("panels").stream().map(JsonObject.class::cast)
        .flatMap(p -> p.getJsonArray("targets").stream().map(JsonObject.class::cast))
        .forEach(t -> used.addAll(metricNames(t.getString("expr"))));

    assertThat(used).contains("herald_connections_active", "herald_subscriptions_active", "herald_messages_published_total",
        "herald_messages_delivered_total", "herald_delivery_latency_seconds_bucket", "herald_slow_consumer_closes_total",
        "jvm_memory_max_bytes", "herald_cluster_members");
    assertThat(used).allSatisfy(name -> assertThat(exported).as("a live node's /metrics").contains(name));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "histogram_quantile(0.95, sum by (namespace, le) (rate(a_bucket{job=\"x\", le!=\"b_c\"}[5m]))) > 0.3 | a_bucket",
      "sum by (pod) (b{area=\"heap\"}) / sum by (pod) (c{area=\"heap\"} > 0) > 0.85 | b c",
      "min by (namespace) (d) < on (namespace) group_left max by (namespace) (e{deployment=\"herald\"}) | d e",
      "changes(f[15m]) > 4 or sum(rate(g{pod=~\"$pod\"}[$__rate_interval])) | f g",
  })
  void metricNamesAreTheIdentifiersThatAreNeitherFunctionsNorLabelsNorKeywords(String expr, String names) {
    assertThat(metricNames(expr)).containsExactly(names.split(" "));
  }

  private static List<JsonObject> alerts() {
    JsonObject rule = Manifests.render("prod").get("PrometheusRule", "herald");
    return rule.getJsonObject("spec").getJsonArray("groups").stream().map(JsonObject.class::cast)
        .flatMap(g -> g.getJsonArray("rules").stream().map(JsonObject.class::cast)).toList();
  }

  /**
   * The metric names of a PromQL expression: what is left once strings, label matchers, ranges and
   * grouping clauses are removed, minus function calls (an identifier before "("), keywords and numbers.
   */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String word = m.group();
      boolean call = s.substring(m.end()).stripLeading().startsWith("(");
      boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      if (!call && !number && !PROMQL_WORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }
}
