package io.herald.broker.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import io.herald.broker.impl.ChannelLog;
import io.herald.core.ChannelStore.Appended;
import io.herald.core.HistoryPage;
import io.herald.core.StreamPosition;

import java.io.IOException;
import java.util.List;

/**
 * What Hazelcast must know about the broker's types before a member that holds channels starts: how a channel's
 * {@link ChannelLog} travels to backups and new owners, and how the answers of its entry processors come back.
 * These types know nothing of Hazelcast (the standalone broker shares them), so their serializers are made here,
 * of {@link HazelcastWire}'s writes and reads, and whoever builds a member's {@link Config} passes it through
 * {@link #register}. The cluster side's own types (entry processors, presence) are {@code DataSerializable} and
 * need nothing.
 */
public final class ClusterSerialization {

  /**
   * Type ids are "HR" ({@code 0x4852}) and a number: Hazelcast's own are negative, a custom serializer's must be
   * positive and unique in the member, and every member must agree on them.
   */
  private static final List<WireSerializer<?>> SERIALIZERS = List.of(
      new WireSerializer<>(ChannelLog.class, 0x4852_01, HazelcastWire::writeLog, HazelcastWire::readLog),
      new WireSerializer<>(StreamPosition.class, 0x4852_02, HazelcastWire::writePosition, HazelcastWire::readPosition),
      new WireSerializer<>(HistoryPage.class, 0x4852_03, HazelcastWire::writePage, HazelcastWire::readPage),
      new WireSerializer<>(Appended.class, 0x4852_04, HazelcastWire::writeAppended, HazelcastWire::readAppended));

  private ClusterSerialization() {
  }

  /** Adds the broker's serializers to {@code config} (once, however often it is called); returns {@code config}. */
  public static Config register(Config config) {
    for (WireSerializer<?> s : SERIALIZERS) {
      if (!s.registeredIn(config)) {
        config.getSerializationConfig()
            .addSerializerConfig(new SerializerConfig().setTypeClass(s.type).setImplementation(s));
      }
    }
    return config;
  }

  /**
   * Fails unless {@code hazelcast} was configured through {@link #register}: without it the first migration or
   * answer of a channel would fail on some member, far from the cause.
   */
  static void require(HazelcastInstance hazelcast) {
    for (WireSerializer<?> s : SERIALIZERS) {
      if (!s.registeredIn(hazelcast.getConfig())) {
        throw new IllegalStateException("the Hazelcast member has no serializer for " + s.type.getName()
            + ": pass its Config through " + ClusterSerialization.class.getName() + ".register before it starts");
      }
    }
  }

  @FunctionalInterface
  private interface Write<T> {
    void write(ObjectDataOutput out, T value) throws IOException;
  }

  @FunctionalInterface
  private interface Read<T> {
    T read(ObjectDataInput in) throws IOException;
  }

  /** Hazelcast's serializer of {@code type}: {@link HazelcastWire}'s write and read of it, under a fixed type id. */
  private record WireSerializer<T>(Class<T> type, int typeId, Write<T> writer, Read<T> reader)
      implements StreamSerializer<T> {

    @Override
    public int getTypeId() {
      return typeId;
    }

    @Override
    public void write(ObjectDataOutput out, T value) throws IOException {
      writer.write(out, value);
    }

    @Override
    public T read(ObjectDataInput in) throws IOException {
      return reader.read(in);
    }

    boolean registeredIn(Config config) {
      return config.getSerializationConfig().getSerializerConfigs().stream()
          .anyMatch(c -> c.getTypeClass() == type || type.getName().equals(c.getTypeClassName()));
    }
  }
}
