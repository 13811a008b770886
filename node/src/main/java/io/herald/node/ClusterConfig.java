package io.herald.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.TcpIpConfig;
import io.herald.broker.cluster.ClusterSerialization;
import io.herald.broker.cluster.SplitBrainGuard;
import io.herald.core.config.HeraldConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The Hazelcast member config of a clustered node: {@code cluster.config} if set, else {@code cluster.xml}
 * in the working directory, else the copy of the repository's {@code cluster.xml} inside the jar; then the
 * {@code cluster.name}, {@code cluster.port} and {@code cluster.members} overrides ({@code cluster.members}
 * makes the join TCP-IP with that list, turning any other join mechanism of the file off); and, whichever file
 * it came from, the broker's serializers ({@code ClusterSerialization}). The member port always binds
 * {@code cluster.host} only, whatever the file says: Hazelcast OSS lets anyone who reaches that port join the
 * cluster, so it must never listen on every interface.
 */
final class ClusterConfig {

  static final String FILE = "cluster.xml";

  private ClusterConfig() {
  }

  /** Hazelcast's default: bind the wildcard address and only announce the picked interface. */
  static final String BIND_ANY = "hazelcast.socket.bind.any";

  static Config load(HeraldConfig config) throws IOException {
    Config hazelcast = SplitBrainGuard.configure(ClusterSerialization.register(read(config.get(HeraldConfig.CLUSTER_CONFIG))),
        config.get(HeraldConfig.CLUSTER_QUORUM));
    hazelcast.setProperty(BIND_ANY, "false");
    hazelcast.getNetworkConfig().getInterfaces().setEnabled(true)
        .setInterfaces(List.of(ClusterBus.host(config)));
    if (!config.get(HeraldConfig.CLUSTER_NAME).isEmpty()) {
      hazelcast.setClusterName(config.get(HeraldConfig.CLUSTER_NAME));
    }
    if (config.get(HeraldConfig.CLUSTER_PORT) > 0) {
      hazelcast.getNetworkConfig().setPort(config.get(HeraldConfig.CLUSTER_PORT));
    }
    if (!config.get(HeraldConfig.CLUSTER_MEMBERS).isEmpty()) {
      JoinConfig join = hazelcast.getNetworkConfig().getJoin();
      // The member list replaces the config's way of joining: Hazelcast refuses two enabled join mechanisms,
      // and a discovery config (k8s/base/cluster.xml: Kubernetes DNS) run on loopback joins through the list.
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(false);
      TcpIpConfig tcpIp = join.getTcpIpConfig();
      tcpIp.setEnabled(true).setMembers(Arrays.stream(config.get(HeraldConfig.CLUSTER_MEMBERS).split(","))
          .map(String::trim).filter(m -> !m.isEmpty()).toList());
    }
    return hazelcast;
  }

  private static Config read(String path) throws IOException {
    if (!path.isEmpty()) {
      return Config.loadFromFile(Path.of(path).toFile());
    }
    if (Files.isRegularFile(Path.of(FILE))) {
      return Config.loadFromFile(Path.of(FILE).toFile());
    }
    try (InputStream packaged = ClusterConfig.class.getClassLoader().getResourceAsStream(FILE)) {
      if (packaged == null) {
        throw new IOException(FILE + " is neither in the working directory nor in the jar");
      }
      return Config.loadFromStream(packaged);
    }
  }
}
