package io.herald.node;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.TcpIpConfig;
import com.hazelcast.instance.EndpointQualifier;
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
 *
 * <p>Members talk through an advanced-network member endpoint (the file's {@code <network>} becomes one, see
 * {@link #onMemberEndpoint}): the port speaks the member protocol only, and a member connecting to a frozen peer
 * (a stopped process whose kernel still accepts) waits for its answer instead of spinning an IO thread at 100 % of
 * a core, as Hazelcast's default unified port does (docs/cluster.md, "A frozen member").
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
    ServerSocketEndpointConfig member = onMemberEndpoint(hazelcast);
    member.getInterfaces().setEnabled(true).setInterfaces(List.of(ClusterBus.host(config)));
    if (!config.get(HeraldConfig.CLUSTER_NAME).isEmpty()) {
      hazelcast.setClusterName(config.get(HeraldConfig.CLUSTER_NAME));
    }
    if (config.get(HeraldConfig.CLUSTER_PORT) > 0) {
      member.setPort(config.get(HeraldConfig.CLUSTER_PORT));
    }
    if (!config.get(HeraldConfig.CLUSTER_MEMBERS).isEmpty()) {
      JoinConfig join = hazelcast.getAdvancedNetworkConfig().getJoin();
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

  /**
   * The member endpoint of the config's advanced network. A file with {@code <network>} (Herald's own) gets an
   * advanced network with one member endpoint carrying that section's settings; its join and interfaces are the
   * same objects, so {@code getNetworkConfig()} still shows what is in force. A file that enables
   * {@code <advanced-network>} itself keeps it.
   */
  static ServerSocketEndpointConfig onMemberEndpoint(Config hazelcast) {
    AdvancedNetworkConfig advanced = hazelcast.getAdvancedNetworkConfig();
    if (!advanced.isEnabled()) {
      NetworkConfig network = hazelcast.getNetworkConfig();
      ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
      member.setPort(network.getPort())
          .setPortCount(network.getPortCount())
          .setPortAutoIncrement(network.isPortAutoIncrement())
          .setReuseAddress(network.isReuseAddress())
          .setPublicAddress(network.getPublicAddress())
          .setOutboundPortDefinitions(network.getOutboundPortDefinitions())
          .setInterfaces(network.getInterfaces())
          .setSymmetricEncryptionConfig(network.getSymmetricEncryptionConfig())
          .setSSLConfig(network.getSSLConfig())
          .setSocketInterceptorConfig(network.getSocketInterceptorConfig());
      advanced.setEnabled(true)
          .setJoin(network.getJoin())
          .setMemberAddressProviderConfig(network.getMemberAddressProviderConfig())
          .setMemberEndpointConfig(member);
      if (network.getIcmpFailureDetectorConfig() != null) {
        advanced.setIcmpFailureDetectorConfig(network.getIcmpFailureDetectorConfig());
      }
    }
    // An advanced network always has a member endpoint (Hazelcast's default one if the file names none).
    return (ServerSocketEndpointConfig) advanced.getEndpointConfigs().get(EndpointQualifier.MEMBER);
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
