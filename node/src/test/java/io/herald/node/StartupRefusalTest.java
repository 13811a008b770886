package io.herald.node;

import io.herald.node.cluster.NodeProcesses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node's real command line, as a process, refuses to start (exit code 2, the message naming what is
 * wrong) on configuration mistakes that would otherwise leave a protection silently off or a cluster
 * port open: a {@code HERALD_*} variable that is no setting, a partial event-bus TLS configuration, a
 * wildcard or hostname {@code cluster.host}, a tracing collector or sampling ratio that cannot be. The
 * documented non-setting variable does not stop it.
 */
class StartupRefusalTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "outdated JWT variable of k8s/  | HERALD_JWT_SECRET=s           |                                               | unknown environment variable HERALD_JWT_SECRET",
      "a Kubernetes service link      | HERALD_SERVICE_HOST=10.0.0.1  |                                               | unknown environment variable HERALD_SERVICE_HOST",
      "a misspelt setting             | HERALD_API_KYE=k              |                                               | unknown environment variable HERALD_API_KYE",
      "TLS key without cert and CA    |                               | --cluster --set cluster.tls.key_file=/dev/null | missing cluster.tls.cert_file, cluster.tls.ca_file",
      "TLS file that does not exist   |                               | --cluster --set cluster.tls.key_file=/nonexistent --set cluster.tls.cert_file=/dev/null --set cluster.tls.ca_file=/dev/null | cluster.tls.key_file: cannot read /nonexistent",
      "wildcard cluster host          |                               | --cluster --set cluster.host=0.0.0.0            | cluster.host: an IP address",
      "hostname cluster host          |                               | --cluster --set cluster.host=localhost          | cluster.host: an IP address",
      "a node id no channel name fits |                               | --set node.id=a/b                               | node.id: at most 64",
      "a log level that is none       | HERALD_LOG_LEVEL=loud         |                                               | log.level: \"loud\" is not one of trace, debug, info, warn, error, off",
      "a logger without its level     | HERALD_LOG_LEVELS=io.herald.limits |                                          | log.levels: \"io.herald.limits\" is not logger=level",
      "an unknown log format          |                               | --set log.format=xml                            | log.format: \"xml\" is not one of text, json",
      "a collector without http://    |                               | --set tracing.enabled=true --set tracing.otlp_endpoint=collector:4318 | tracing.otlp_endpoint: an http or https URL",
      "a sampling ratio over 1        | HERALD_TRACING_SAMPLE_RATIO=2 |                                               | tracing.sample_ratio must be from 0 to 1",
  })
  void refusesToStartNamingTheMistake(String what, String env, String args, String message) {
    NodeProcesses.Exit exit = NodeProcesses.runMain(variables(env), args == null ? List.of() : List.of(args.split(" ")));

    assertThat(exit.code()).as(exit.output()).isEqualTo(2);
    assertThat(exit.output()).contains(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "the load tests' variable of .ci/run | HERALD_REQUIRE_NCHAN=1",
      "the browser tests' variable of .ci/run | HERALD_REQUIRE_BROWSER=1",
      "the Node.js tests' variable of .ci/run | HERALD_REQUIRE_NODE=1",
      "the kubectl tests' variable            | HERALD_REQUIRE_KUBECTL=1",
      "a setting's variable                | HERALD_WS_MAX_SUBSCRIPTIONS=64",
      "JSON logs                           | HERALD_LOG_FORMAT=json",
  })
  void startsWithVariablesItKnows(String what, String env) {
    assertThat(NodeProcesses.startsAndStops(variables(env))).isTrue();
  }

  private static Map<String, String> variables(String env) {
    if (env == null) {
      return Map.of();
    }
    String[] kv = env.split("=", 2);
    return Map.of(kv[0], kv[1]);
  }
}
