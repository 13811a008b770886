package io.herald.node.cluster;

import io.herald.node.testing.TestNode;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A clustered node's two member-facing ports, Hazelcast's member port and the event bus, listen on
 * {@code cluster.host} (127.0.0.1 by default) only: a connection to another loopback address, which a
 * wildcard bind would accept, is refused. (Hazelcast binds the wildcard unless told otherwise, and
 * anyone who reaches its port can join the cluster.) And the member port speaks the member protocol only: a
 * Hazelcast client's hello is answered "unexpected protocol" (HZX) and the connection closed.
 */
class ClusterBindTest {

  private static TestNode node;
  private static int memberPort;
  private static int busPort;

  @BeforeAll
  static void start() {
    memberPort = NodeProcess.freePortRange();
    node = TestNode.start(Map.of("cluster", "true", "cluster.name", "bind-" + UUID.randomUUID(),
        "cluster.port", Integer.toString(memberPort), "cluster.members", "127.0.0.1:" + memberPort));
    busPort = ((VertxInternal) node.node().vertx()).clusterManager().getNodeInfo().port();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @ParameterizedTest(name = "{0} port on {1}: {2}")
  @CsvSource({
      "member, 127.0.0.1, accepted",
      "member, 127.0.0.2, refused",
      "bus,    127.0.0.1, accepted",
      "bus,    127.0.0.2, refused",
  })
  void listensOnTheClusterHostOnly(String which, String address, String outcome) throws IOException {
    int port = which.equals("member") ? memberPort : busPort;
    if (outcome.equals("accepted")) {
      try (Socket socket = connect(address, port)) {
        assertThat(socket.isConnected()).isTrue();
      }
    } else {
      assertThatThrownBy(() -> connect(address, port).close()).isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void theMemberPortRefusesHazelcastsClientProtocol() throws IOException {
    try (Socket socket = connect("127.0.0.1", memberPort)) {
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write("CP2".getBytes(StandardCharsets.US_ASCII)); // a Hazelcast client's hello
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      // Hazelcast's default unified port would take the client and wait for its authentication; the member
      // endpoint answers HZX (unexpected protocol) and closes.
      assertThat(new String(in.readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("HZX");
      assertThat(endOf(in)).as("how the connection ended after the answer").isIn("closed", "reset");
    }
  }

  /** Reads until the peer ends the connection: closed (FIN) or reset; a read timeout is an error. */
  private static String endOf(InputStream in) throws IOException {
    try {
      while (in.read() != -1) {
        // whatever else it sends before closing
      }
      return "closed";
    } catch (SocketException e) {
      return "reset";
    }
  }

  private static Socket connect(String address, int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(address, port), 5_000);
    return socket;
  }
}
