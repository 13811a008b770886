package io.herald.node.cluster;

import io.herald.node.testing.TestNode;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * Two clustered {@link TestNode}s in this JVM: Hazelcast members on loopback, on a free pair of ports, in a cluster of
 * their own name (tests running side by side never join each other). Closing stops both, the second first.
 */
final class LoopbackCluster implements AutoCloseable {

  private final TestNode one;
  private TestNode two;

  private LoopbackCluster(TestNode one, TestNode two) {
    this.one = one;
    this.two = two;
  }

  /**
   * Starts two members of a new cluster named {@code prefix}-random, each with {@code settings} besides the cluster's,
   * and waits up to {@code wait} until each sees both.
   */
  static LoopbackCluster start(String prefix, Map<String, String> settings, Duration wait) {
    int port = NodeProcess.freePortRange();
    Map<String, String> all = new HashMap<>(settings);
    all.putAll(Map.of("cluster", "true", "cluster.name", prefix + "-" + UUID.randomUUID(),
        "cluster.port", Integer.toString(port), "cluster.members", "127.0.0.1:" + port + ",127.0.0.1:" + (port + 1)));
    TestNode one = TestNode.start(all);
    LoopbackCluster cluster = new LoopbackCluster(one, TestNode.start(all));
    await().atMost(wait).until(() -> one.node().members() == 2 && cluster.two.node().members() == 2);
    return cluster;
  }

  TestNode one() {
    return one;
  }

  TestNode two() {
    return two;
  }

  /** The test stopped the second member itself (a crash): closing leaves it alone. */
  void twoGone() {
    two = null;
  }

  @Override
  public void close() {
    try {
      if (two != null) {
        two.close();
      }
    } finally {
      one.close();
    }
  }
}
