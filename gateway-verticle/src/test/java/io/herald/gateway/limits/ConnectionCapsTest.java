package io.herald.gateway.limits;

import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.TestGateway;
import io.herald.gateway.testing.TestGatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Caps on open connections: http.max_connections for the node, http.max_connections_per_ip and
 * ws.max_connections_per_ip per client address, where the client address behind a trusted proxy
 * (http.trusted_proxies) is the right-most untrusted X-Forwarded-For entry. Loopback exemption is off,
 * so 127.0.0.x addresses stand for different clients.
 */
class ConnectionCapsTest {

  private static final int CAP = 2;
  private static final String PROXY = "127.0.0.9";

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withSettings(Map.of("ws.connect_rate_exempt_loopback", "false",
      "http.max_connections_per_ip", Integer.toString(CAP), "ws.max_connections_per_ip", Integer.toString(CAP),
      "http.trusted_proxies", PROXY + ",127.0.0.10/32"));

  @RegisterExtension
  static final TestGatewayExtension small = TestGatewayExtension.withSettings(Map.of("http.max_connections", Integer.toString(CAP)));

  /** A plain TCP connection that has sent nothing: what it reads within a second, "" when nothing. */
  private static Socket idle(String from, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return socket;
  }

  private static String answerWithoutAsking(Socket socket) throws IOException {
    socket.setSoTimeout(1_000);
    InputStream in = socket.getInputStream();
    try {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (java.net.SocketTimeoutException e) {
      return "";
    }
  }

  static Stream<Arguments> httpCaps() {
    return Stream.of(
        arguments("per address", node(), "127.0.0.5", "HTTP/1.1 429 Too Many Requests"),
        arguments("per node", small, "127.0.0.1", "HTTP/1.1 503 Service Unavailable"));
  }

  private static TestGatewayExtension node() {
    return node;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("httpCaps")
  void httpConnectionsOverTheCapAreAnsweredAndClosedUntilOneCloses(String name, TestGatewayExtension target, String from,
                                                                   String refusal) throws IOException {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < CAP; i++) {
        held.add(idle(from, target.port()));
      }
      try (Socket over = idle(from, target.port())) {
        assertThat(answerWithoutAsking(over)).startsWith(refusal).contains("Connection: close");
      }
      if (target == node) {
        try (Socket other = idle("127.0.0.6", target.port())) {
          assertThat(answerWithoutAsking(other)).as("another address has its own cap").isEmpty();
        }
      }
      held.remove(0).close();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (Socket next = idle(from, target.port())) {
          return answerWithoutAsking(next).isEmpty();
        }
      });
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aMalformedTrustedProxyStopsTheNode() {
    assertThatThrownBy(() -> TestGateway.start(Map.of("http.trusted_proxies", "10.0.0.0/8, 10.0.0.0/33")).close())
        .rootCause().hasMessageContaining("http.trusted_proxies").hasMessageContaining("10.0.0.0/33");
  }

  /** Peer address, X-Forwarded-For of each of three upgrades, close codes expected of the three (0: open). */
  static Stream<Arguments> webSocketCaps() {
    return Stream.of(
        arguments("one address", "127.0.0.7", new String[] {null, null, null}, new int[] {0, 0, 4009}),
        arguments("clients behind a trusted proxy count by X-Forwarded-For", PROXY,
            new String[] {"203.0.113.5", "198.51.100.1, 203.0.113.5", "203.0.113.6"}, new int[] {0, 0, 0}),
        arguments("the right-most untrusted entry is the client", "127.0.0.10",
            new String[] {"203.0.113.7", "203.0.113.7, 127.0.0.9", "198.51.100.2, 203.0.113.7"}, new int[] {0, 0, 4009}),
        arguments("an untrusted peer's X-Forwarded-For is ignored", "127.0.0.8",
            new String[] {"203.0.113.8", "203.0.113.9", "203.0.113.10"}, new int[] {0, 0, 4009}),
        arguments("a trusted proxy without X-Forwarded-For is not capped", PROXY,
            new String[] {null, null, null}, new int[] {0, 0, 0}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("webSocketCaps")
  void openWebSocketsPerClientAddressAreCapped(String name, String peer, String[] forwardedFor, int[] closes) {
    List<RawWebSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < forwardedFor.length; i++) {
        Map<String, String> headers = forwardedFor[i] == null ? Map.of() : Map.of("X-Forwarded-For", forwardedFor[i]);
        RawWebSocket ws = RawWebSocket.connectFrom(peer, node.port(), "/ws", null, 0, headers);
        open.add(ws);
        RawWebSocket.Frame first = ws.readFrame();
        if (closes[i] == 0) {
          assertThat(first.opcode()).as("connection %d", i + 1).isEqualTo(RawWebSocket.TEXT);
          assertThat(first.json().getString("type")).isEqualTo("connected");
        } else {
          assertThat(first.opcode()).as("connection %d", i + 1).isEqualTo(RawWebSocket.CLOSE);
          assertThat(first.closeCode()).isEqualTo(closes[i]);
          assertThat(new String(first.payload(), 2, first.payload().length - 2, StandardCharsets.UTF_8))
              .isEqualTo("too many connections from this address");
        }
      }
    } finally {
      open.forEach(RawWebSocket::close);
    }
  }
}
