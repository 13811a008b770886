package io.herald.broker.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.core.HazelcastInstance;
import io.herald.broker.impl.ChannelLog;

/**
 * What Hazelcast must know about the broker's types before a member that holds channels starts: the serializer
 * of {@link ChannelLog}, which is no Hazelcast type itself (the standalone store shares it). Whoever builds a
 * member's {@link Config} passes it through {@link #register}; the other types the cluster side sends are
 * {@code DataSerializable} and need nothing.
 */
public final class ClusterSerialization {

  private ClusterSerialization() {
  }

  /** Adds the broker's serializers to {@code config} (once, however often it is called); returns {@code config}. */
  public static Config register(Config config) {
    if (!registered(config)) {
      config.getSerializationConfig().addSerializerConfig(
          new SerializerConfig().setTypeClass(ChannelLog.class).setImplementation(new ChannelLogSerializer()));
    }
    return config;
  }

  /**
   * Fails unless {@code hazelcast} was configured through {@link #register}: without it the first backup or
   * migration of a channel would fail on a member, far from the cause.
   */
  static void require(HazelcastInstance hazelcast) {
    if (!registered(hazelcast.getConfig())) {
      throw new IllegalStateException("the Hazelcast member has no serializer for " + ChannelLog.class.getName()
          + ": pass its Config through " + ClusterSerialization.class.getName() + ".register before it starts");
    }
  }

  private static boolean registered(Config config) {
    return config.getSerializationConfig().getSerializerConfigs().stream().anyMatch(s ->
        s.getTypeClass() == ChannelLog.class || ChannelLog.class.getName().equals(s.getTypeClassName()));
  }
}
