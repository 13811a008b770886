package io.herald.node.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * The node processes of one test cluster on loopback: a fresh cluster name and Hazelcast port range, members
 * started together, any one replaceable by a new member, all killed on close.
 */
final class ProcessCluster implements AutoCloseable {

  private final String name;
  private final int hazelcastPort;
  private final List<NodeProcess> nodes = new ArrayList<>();

  private ProcessCluster(String name, int hazelcastPort) {
    this.name = name;
    this.hazelcastPort = hazelcastPort;
  }

  /** {@code size} members of a new cluster named {@code prefix} plus a random suffix; returns once all are ready. */
  static ProcessCluster start(String prefix, int size) {
    ProcessCluster cluster = new ProcessCluster(prefix + "-" + UUID.randomUUID(), NodeProcess.freePortRange());
    for (int i = 0; i < size; i++) {
      cluster.nodes.add(NodeProcess.start(cluster.name, cluster.hazelcastPort));
    }
    return cluster;
  }

  /** The members, in start order (a replaced one in its predecessor's place). */
  List<NodeProcess> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  NodeProcess node(int index) {
    return nodes.get(index);
  }

  /** Starts a new member in place of member {@code index} (stop or crash the old one first). */
  NodeProcess replace(int index) {
    NodeProcess fresh = NodeProcess.start(name, hazelcastPort);
    nodes.set(index, fresh);
    return fresh;
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::close);
  }
}
