package io.herald.node;

import io.herald.core.config.HeraldConfig;
import io.herald.core.config.Setting;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a clustered node's event bus meets the other members: bound to {@code cluster.host} (the address
 * the Hazelcast member binds too) on {@code cluster.bus_port}, and, with the {@code cluster.tls.*} files,
 * over TLS where both ends present a certificate signed by the cluster's CA. Hostnames are not checked
 * (Vert.x's bus client does not; members are pods whose addresses change): any certificate of that CA is
 * a member, so the CA must be the cluster's own.
 */
final class ClusterBus {

  /** An IPv4 or IPv6 literal: Hazelcast's interface matching takes addresses, and a literal needs no DNS. */
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final List<Setting<String>> TLS = List.of(
      HeraldConfig.CLUSTER_TLS_KEY_FILE, HeraldConfig.CLUSTER_TLS_CERT_FILE, HeraldConfig.CLUSTER_TLS_CA_FILE);

  private ClusterBus() {
  }

  /** What is wrong with the cluster settings of a clustered node, one line each (none: it may start). */
  static List<String> problems(HeraldConfig config) {
    List<String> problems = new ArrayList<>();
    if (!config.get(HeraldConfig.CLUSTER)) {
      return problems;
    }
    String host = config.get(HeraldConfig.CLUSTER_HOST);
    if (!IP_LITERAL.matcher(host).matches() || isWildcard(host)) {
      problems.add(HeraldConfig.CLUSTER_HOST.key() + ": an IP address of this machine's interfaces is needed"
          + " (not a hostname, not the wildcard 0.0.0.0 or ::), got '" + host + "'");
    }
    List<String> tls = tlsFiles(config);
    List<String> unset = new ArrayList<>();
    for (int i = 0; i < TLS.size(); i++) {
      if (tls.get(i).isEmpty()) {
        unset.add(TLS.get(i).key());
      } else if (!Files.isReadable(Path.of(tls.get(i)))) {
        problems.add(TLS.get(i).key() + ": cannot read " + tls.get(i));
      }
    }
    if (!unset.isEmpty() && unset.size() < TLS.size()) {
      problems.add("event-bus TLS needs all of cluster.tls.key_file, cluster.tls.cert_file and cluster.tls.ca_file, or none;"
          + " missing " + String.join(", ", unset));
    }
    return problems;
  }

  private static List<String> tlsFiles(HeraldConfig config) {
    return TLS.stream().map(config::get).toList();
  }

  static boolean tls(HeraldConfig config) {
    return tlsFiles(config).stream().noneMatch(String::isEmpty);
  }

  /** The address the member port and the bus bind to; fails on a config {@link #problems} would refuse. */
  static String host(HeraldConfig config) {
    List<String> problems = problems(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return config.get(HeraldConfig.CLUSTER_HOST);
  }

  static EventBusOptions options(HeraldConfig config) {
    EventBusOptions options = new EventBusOptions().setHost(host(config)).setPort(config.get(HeraldConfig.CLUSTER_BUS_PORT));
    if (tls(config)) {
      options.setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(config.get(HeraldConfig.CLUSTER_TLS_KEY_FILE))
              .setCertPath(config.get(HeraldConfig.CLUSTER_TLS_CERT_FILE)))
          .setTrustOptions(new PemTrustOptions().addCertPath(config.get(HeraldConfig.CLUSTER_TLS_CA_FILE)))
          .setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }

  private static boolean isWildcard(String host) {
    try {
      return InetAddress.getByName(host).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return true; // not a valid literal after all
    }
  }
}
