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
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the PrometheusRule's alerts and the Grafana dashboard query is one a live node exports
 * on /metrics (histograms by their _bucket/_count/_sum series), so no alert or panel silently watches
 * a name that does not exist. The one exception is kube-state-metrics' replica count, which the
 * cluster-size alert compares with. The node scraped has proxy hooks and webhooks configured (pointing
 * nowhere: nothing calls them), since their meters exist only then. Every alert's runbook is a section
 * of docs/deploy.md.
 */
class KubernetesMetricNamesTest {

  /** Not Herald's: kube-state-metrics (kube-prometheus-stack installs it). */
  private static final Set<String> EXTERNAL = Set.of("kube_deployment_spec_replicas");
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "and", "or", "unless", "bool", "offset", "inf", "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Path DEPLOY_MD = Manifests.ROOT.resolve("docs").resolve("deploy.md");

  private static TestNode node;
  private static Vertx client;
  private static Set<String> exported;

  @BeforeAll
  static void scrapeALiveNode() {
    // Nothing is published and no client connects, so neither the hook nor the webhook URL is ever called.
    node = TestNode.start(Map.of("proxy.publish_url", "http://127.0.0.1:9/publish",
        "webhooks.url", "http://127.0.0.1:9/webhooks", "webhooks.secret", "not used"));
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
        "HeraldClusterSizeBelowExpected", "HeraldHeapHigh", "HeraldPublishToDeliverySlow", "HeraldRecoveryFailures",
        "HeraldVersionsMixed");
  }

  @Test
  void everyAlertHasARunbookThatIsASectionOfDeployMd() throws Exception {
    Set<String> anchors = anchors(Files.readString(DEPLOY_MD));
    String base = runbookBase();

    assertThat(alerts()).allSatisfy(rule -> {
      String url = rule.getJsonObject("annotations").getString("runbook_url");
      assertThat(url).as(rule.getString("alert") + "'s runbook_url").isNotNull().startsWith(base + "#");
      assertThat(anchors).as("the headings of docs/deploy.md").contains(url.substring(url.indexOf('#') + 1));
    });
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "## Alerts | alerts",
      "### HeraldHeapHigh | heraldheaphigh",
      "## What each manifest is for | what-each-manifest-is-for",
      "### Deployment, not StatefulSet | deployment-not-statefulset",
      "### `herald_ready` and 50 % | herald_ready-and-50-",
  })
  void anchorsAreGitHubsForTheHeading(String heading, String anchor) {
    assertThat(anchors(heading)).containsExactly(anchor);
  }

  @Test
  void everyMetricTheAlertsUseIsExported() {
    Set<String> used = new LinkedHashSet<>();
    alerts().forEach(rule -> used.addAll(metricNames(rule.getString("expr"))));

    assertThat(used).contains("herald_connection_setup_seconds_bucket", "herald_delivery_latency_seconds_bucket",
        "herald_slow_consumer_closes_total", "herald_ready", "herald_cluster_members", "jvm_memory_used_bytes",
        "herald_publish_to_delivery_seconds_bucket", "herald_recovery_failed_total", "herald_build_info");
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
        "jvm_memory_max_bytes", "herald_cluster_members", "herald_build_info", "herald_recovery_failed_total",
        "herald_disconnects_total", "herald_publish_to_delivery_seconds_bucket", "herald_proxy_calls_total",
        "herald_proxy_call_duration_seconds_bucket", "herald_webhooks_events_sent_total",
        "herald_webhooks_delivery_latency_seconds_bucket");
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

  /** The URL before the anchor of every runbook_url: runbooks.yaml's, which kustomize puts there. */
  private static String runbookBase() throws Exception {
    Matcher m = Pattern.compile("(?m)^  url: (\\S+)$").matcher(Files.readString(Manifests.K8S.resolve("base").resolve("runbooks.yaml")));
    assertThat(m.find()).as("runbooks.yaml's url").isTrue();
    return m.group(1);
  }

  /**
   * The anchors GitHub gives the headings of a Markdown text: lower case, every character but letters, digits,
   * spaces, hyphens and underscores dropped, spaces made hyphens; a repeated anchor gets -1, -2... Fenced code is not
   * headings.
   */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    boolean fenced = false;
    for (String line : markdown.lines().toList()) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      }
      Matcher heading = Pattern.compile("^#{1,6} +(.*?) *#* *$").matcher(line);
      if (fenced || !heading.matches()) {
        continue;
      }
      String anchor = heading.group(1).toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
      String unique = anchor;
      for (int n = 1; !anchors.add(unique); n++) {
        unique = anchor + "-" + n;
      }
    }
    return anchors;
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
