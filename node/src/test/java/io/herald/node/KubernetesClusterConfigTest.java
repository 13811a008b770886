package io.herald.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.herald.core.config.HeraldConfig;
import io.herald.node.k8s.Manifests;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes member config ({@code k8s/base/cluster.xml}) is the repository's {@code cluster.xml}
 * with another {@code <network>}: everything else (cluster name, properties, Herald's maps with their
 * backups and format, Vert.x's maps) must stay identical, element for element. And the loopback
 * rehearsal's way of running it (the {@code cluster.members} override) really turns its Kubernetes
 * discovery into a TCP-IP join.
 */
class KubernetesClusterConfigTest {

  private static final Path LOCAL = Manifests.ROOT.resolve("cluster.xml");
  private static final Path KUBERNETES = Manifests.K8S.resolve("base").resolve("cluster.xml");

  @Test
  void everythingButTheNetworkIsSharedWithTheLocalClusterConfig() throws Exception {
    List<String> local = sectionsOutsideNetwork(LOCAL);
    List<String> kubernetes = sectionsOutsideNetwork(KUBERNETES);

    assertThat(local).as("the shared sections: cluster name, properties, maps").hasSizeGreaterThanOrEqualTo(6);
    assertThat(kubernetes).containsExactlyElementsOf(local);
    assertThat(String.join("\n", local)).contains("herald.channels", "herald.presence", "__vertx.subs", "hazelcast.shutdownhook.enabled");
  }

  @Test
  void bothLoadAndOnlyTheJoinDiffers() throws Exception {
    Config local = Config.loadFromFile(LOCAL.toFile());
    Config kubernetes = Config.loadFromFile(KUBERNETES.toFile());

    assertThat(kubernetes.getMapConfigs().keySet()).isEqualTo(local.getMapConfigs().keySet());
    assertThat(kubernetes.getMapConfig("herald.channels").getBackupCount()).isEqualTo(1);
    assertThat(kubernetes.getProperties()).isEqualTo(local.getProperties());
    assertThat(local.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isTrue();
    assertThat(kubernetes.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isTrue();
  }

  @Test
  void aMemberListOverrideTurnsTheKubernetesDiscoveryIntoATcpIpJoin() throws Exception {
    HeraldConfig config = HeraldConfig.load(new io.vertx.core.json.JsonObject(), Map.of(), Map.of(
        HeraldConfig.CLUSTER_CONFIG.key(), KUBERNETES.toString(),
        HeraldConfig.CLUSTER_MEMBERS.key(), "127.0.0.1"));

    JoinConfig join = ClusterConfig.load(config).getNetworkConfig().getJoin();

    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
    join.verify(); // Hazelcast's own check: exactly one join mechanism enabled
  }

  /** The root's child elements except {@code <network>}, each as normalised text (no comments or layout). */
  private static List<String> sectionsOutsideNetwork(Path file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setIgnoringComments(true);
    factory.setNamespaceAware(true);
    Document document = factory.newDocumentBuilder().parse(Files.newInputStream(file));
    List<String> sections = new ArrayList<>();
    for (Node child = document.getDocumentElement().getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e && !"network".equals(e.getLocalName())) {
        sections.add(normalised(e));
      }
    }
    return sections;
  }

  private static String normalised(Element element) {
    StringBuilder out = new StringBuilder("<").append(element.getLocalName());
    var attributes = element.getAttributes();
    List<String> sorted = new ArrayList<>();
    for (int i = 0; i < attributes.getLength(); i++) {
      sorted.add(attributes.item(i).getNodeName() + "=" + attributes.item(i).getNodeValue());
    }
    sorted.stream().sorted().forEach(a -> out.append(' ').append(a));
    out.append('>');
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e) {
        out.append(normalised(e));
      } else if (child.getNodeType() == Node.TEXT_NODE) {
        out.append(child.getNodeValue().strip());
      }
    }
    return out.append("</").append(element.getLocalName()).append('>').toString();
  }
}
