package io.herald.node.cluster;

import io.herald.core.config.HeraldConfig;
import io.vertx.core.net.SocketAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * A cluster of node processes, each in a network namespace of its own ({@link NetnsNetwork}), so that the network
 * between members can be cut, made one-way, lossy or slow, and a member paused: {@code ip netns exec} runs each
 * member's JVM (it execs, so the process's pid is the JVM's: {@link #pause} signals it). Members are numbered from 1; each
 * serves HTTP on port 8080 and Hazelcast on 5701 of its own address, and clients (this JVM, in the root namespace)
 * reach every member over the bridge whatever is cut between members. Members start with {@code cluster.quorum} at
 * the majority where this build knows that setting. Closing kills the members and takes the network down.
 */
final class NamespaceCluster implements AutoCloseable {

  static final int HTTP_PORT = 8080;
  static final int HAZELCAST_PORT = 5701;
  static final String QUORUM = "cluster.quorum";

  private final NetnsNetwork network;
  private final int size;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final Set<Integer> paused = ConcurrentHashMap.newKeySet();

  private NamespaceCluster(NetnsNetwork network, int size) {
    this.network = network;
    this.size = size;
  }

  /**
   * Starts {@code size} members, each with {@code settings} added: the first alone (the oldest member, Hazelcast's
   * master), then the others together, each joining it; returns once every one said it is ready.
   */
  static NamespaceCluster start(int size, String... settings) {
    NamespaceCluster cluster = new NamespaceCluster(NetnsNetwork.up(size), size);
    try {
      String name = "faults-" + UUID.randomUUID();
      List<String> addresses = IntStream.rangeClosed(1, size).mapToObj(cluster.network::address).toList();
      cluster.nodes.add(cluster.startMember(1, name, addresses, settings));
      List<CompletableFuture<NodeProcess>> joining = IntStream.rangeClosed(2, size)
          .mapToObj(i -> CompletableFuture.supplyAsync(() -> cluster.startMember(i, name, addresses, settings))).toList();
      for (CompletableFuture<NodeProcess> member : joining) {
        cluster.nodes.add(member.join());
      }
      return cluster;
    } catch (RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /** Starts member {@code i} in its namespace and checks that the process it got is the member's JVM. */
  private NodeProcess startMember(int i, String clusterName, List<String> addresses, String... settings) {
    String host = addresses.get(i - 1);
    List<String> command = NodeProcess.memberCommand(host, HTTP_PORT, clusterName);
    List<String> all = new ArrayList<>(List.of("cluster.host=" + host, "cluster.port=" + HAZELCAST_PORT,
        "cluster.members=" + String.join(",", addresses.stream().map(a -> a + ":" + HAZELCAST_PORT).toList())));
    if (quorumKnown()) {
      all.add(QUORUM + "=" + quorum());
    }
    all.addAll(List.of(settings));
    all.forEach(s -> command.addAll(List.of("--set", s)));
    NodeProcess node = NodeProcess.launch(network.inMember(i, command), Map.of(), host, HTTP_PORT);
    String runs = ProcessHandle.of(node.pid()).flatMap(p -> p.info().command()).orElse("?");
    if (!runs.endsWith("/java")) {
      node.close();
      throw new AssertionError("member " + i + "'s process " + node.pid() + " is " + runs + ", not the JVM");
    }
    return node;
  }

  /** Whether this build's nodes know {@code cluster.quorum} (a node refuses a setting it does not know). */
  static boolean quorumKnown() {
    return HeraldConfig.SETTINGS.stream().anyMatch(s -> s.key().equals(QUORUM));
  }

  /** The members a member must see, itself included, to sequence: a majority. */
  int quorum() {
    return size / 2 + 1;
  }

  int size() {
    return size;
  }

  /** Member {@code i} (from 1). */
  NodeProcess node(int member) {
    return nodes.get(member - 1);
  }

  List<NodeProcess> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  SocketAddress address(int member) {
    return node(member).address();
  }

  /** The member whose node id is {@code nodeId}, or 0. */
  int memberOf(String nodeId) {
    for (int i = 1; i <= size; i++) {
      if (node(i).nodeId().equals(nodeId)) {
        return i;
      }
    }
    return 0;
  }

  /** Whether a client can get an answer from member {@code i}: alive and not paused. */
  boolean reachable(int member) {
    return node(member).alive() && !paused.contains(member);
  }

  void partition(List<Integer> one, List<Integer> other) {
    network.partition(one, other);
  }

  void dropFrom(int member, int from) {
    network.dropFrom(member, from);
  }

  /** Writes each member's output so far to {@code dir}/member-N.log, for a failed scenario's reader; returns dir. */
  Path saveOutput(Path dir) {
    try {
      Files.createDirectories(dir);
      for (int i = 1; i <= nodes.size(); i++) {
        Files.write(dir.resolve("member-" + i + ".log"), node(i).output());
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** tc netem on member {@code i}; false where the kernel has no netem. */
  boolean netem(int member, String spec) {
    return network.netem(member, spec);
  }

  void loss(int member, double percent) {
    network.loss(member, percent);
  }

  /** Delays what member {@code i} receives by a user-space delayer (no netem needed); false where it cannot run. */
  boolean delay(int member, int ms, int jitterMs) {
    return network.delay(member, ms, jitterMs);
  }

  /** SIGSTOP to member {@code i}'s JVM: it stops answering anyone, the way a long GC pause or a frozen VM does. */
  void pause(int member) {
    network.signal(member, node(member).pid(), "STOP");
    paused.add(member);
  }

  /** SIGCONT to member {@code i}'s JVM. */
  void resume(int member) {
    network.signal(member, node(member).pid(), "CONT");
    paused.remove(member);
  }

  /** Undoes every fault: partitions and drops, netem, loss and delay, pauses. */
  void healAll() {
    network.heal();
    for (int i = 1; i <= size; i++) {
      network.clearNetem(i);
      if (paused.contains(i)) {
        resume(i);
      }
    }
  }

  @Override
  public void close() {
    try {
      nodes.forEach(NodeProcess::close);
    } finally {
      network.close();
    }
  }
}
