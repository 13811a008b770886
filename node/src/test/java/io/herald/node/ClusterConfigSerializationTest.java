package io.herald.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.SerializerConfig;
import io.herald.broker.impl.ChannelLog;
import io.herald.core.config.HeraldConfig;
import io.herald.node.k8s.Manifests;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clustered node's Hazelcast config knows how a channel's entry travels (the broker's serializers), whether it
 * is the shipped {@code cluster.xml} or a file named by {@code cluster.config} that says nothing of it.
 */
class ClusterConfigSerializationTest {

  @Test
  void theShippedConfigGetsTheBrokersSerializers() throws Exception {
    assertThat(serializedTypes(ClusterConfig.load(HeraldConfig.defaults()))).contains(ChannelLog.class);
  }

  @Test
  void aSuppliedConfigGetsThemToo() throws Exception {
    HeraldConfig config = HeraldConfig.load(new JsonObject(), Map.of(), Map.of(
        HeraldConfig.CLUSTER_CONFIG.key(), Manifests.K8S.resolve("base").resolve("cluster.xml").toString()));

    assertThat(serializedTypes(ClusterConfig.load(config))).contains(ChannelLog.class);
  }

  private static Object[] serializedTypes(Config hazelcast) {
    return hazelcast.getSerializationConfig().getSerializerConfigs().stream().map(SerializerConfig::getTypeClass)
        .toArray();
  }
}
