package io.herald.node;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.instance.EndpointQualifier;
import io.herald.core.config.HeraldConfig;
import io.herald.node.k8s.Manifests;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Members talk through an advanced-network member endpoint (a frozen peer must not spin an IO thread, docs/cluster.md
 * "A frozen member"): the shipped configs' {@code <network>} becomes one with the same port, interfaces and join, the
 * node's overrides land on it, and a file with an {@code <advanced-network>} of its own keeps it.
 */
class ClusterConfigEndpointTest {

  @Test
  void theShippedConfigRunsOnAMemberEndpointBoundToTheClusterHost() throws Exception {
    Config hazelcast = ClusterConfig.load(settings(Map.of(
        HeraldConfig.CLUSTER_PORT.key(), "25900",
        HeraldConfig.CLUSTER_MEMBERS.key(), "127.0.0.1:25900")));

    AdvancedNetworkConfig advanced = hazelcast.getAdvancedNetworkConfig();
    assertThat(advanced.isEnabled()).isTrue();
    assertThat(advanced.getEndpointConfigs().keySet()).as("no client, REST or memcache protocol")
        .containsExactly(EndpointQualifier.MEMBER);
    ServerSocketEndpointConfig member = member(hazelcast);
    assertThat(member.getPort()).isEqualTo(25900);
    assertThat(member.isPortAutoIncrement()).as("cluster.xml's auto-increment").isTrue();
    assertThat(member.getPortCount()).isEqualTo(20);
    assertThat(member.getInterfaces().isEnabled()).isTrue();
    assertThat(member.getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(advanced.getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:25900");
    assertThat(hazelcast.getProperty(ClusterConfig.BIND_ANY)).isEqualTo("false");
  }

  @Test
  void theKubernetesConfigKeepsItsDiscoveryOnTheEndpoint() throws Exception {
    Config hazelcast = ClusterConfig.load(settings(Map.of(
        HeraldConfig.CLUSTER_CONFIG.key(), Manifests.K8S.resolve("base").resolve("cluster.xml").toString(),
        HeraldConfig.CLUSTER_HOST.key(), "10.1.2.3")));

    assertThat(hazelcast.getAdvancedNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isTrue();
    assertThat(hazelcast.getAdvancedNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isFalse();
    assertThat(member(hazelcast).getPort()).isEqualTo(5701);
    assertThat(member(hazelcast).getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
  }

  @Test
  void aFileWithItsOwnAdvancedNetworkKeepsItWithTheOverridesApplied(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("advanced.xml");
    Files.writeString(file, """
        <hazelcast xmlns="http://www.hazelcast.com/schema/config">
          <advanced-network enabled="true">
            <join><tcp-ip enabled="true"><member-list><member>127.0.0.1:6001</member></member-list></tcp-ip></join>
            <member-server-socket-endpoint-config>
              <port auto-increment="false">6001</port>
              <socket-options><keep-alive>false</keep-alive></socket-options>
            </member-server-socket-endpoint-config>
          </advanced-network>
        </hazelcast>
        """);

    Config hazelcast = ClusterConfig.load(settings(Map.of(
        HeraldConfig.CLUSTER_CONFIG.key(), file.toString(),
        HeraldConfig.CLUSTER_PORT.key(), "6101")));

    ServerSocketEndpointConfig member = member(hazelcast);
    assertThat(member.isSocketKeepAlive()).as("the file's own endpoint, not a copy of <network>").isFalse();
    assertThat(member.isPortAutoIncrement()).isFalse();
    assertThat(member.getPort()).isEqualTo(6101);
    assertThat(member.getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(hazelcast.getAdvancedNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:6001");
  }

  private static HeraldConfig settings(Map<String, String> settings) {
    return HeraldConfig.load(new JsonObject(), Map.of(), settings);
  }

  private static ServerSocketEndpointConfig member(Config hazelcast) {
    return (ServerSocketEndpointConfig) hazelcast.getAdvancedNetworkConfig().getEndpointConfigs().get(EndpointQualifier.MEMBER);
  }
}
