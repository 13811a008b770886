package io.herald.gateway.http;

import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Slowloris: clients that hold an HTTP connection by sending nothing, or a request one byte at a time,
 * are closed by http.header_timeout_ms, http.body_timeout_ms and http.idle_timeout_ms however they
 * trickle; a slow but complete request and an open WebSocket are not.
 */
class SlowClientsTest {

  private static final long TIMEOUT_MS = 1_000;
  /** A trickle sends one byte per poll: several per timeout, none of which may restart it. */
  private static final Duration POLL = Duration.ofMillis(100);
  private static final String HEAD = "GET /health/live HTTP/1.1\r\nHost: herald\r\n";
  private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: herald\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  private static final String BODY = "POST /api/publish HTTP/1.1\r\nHost: herald\r\nContent-Type: application/json\r\n"
      + "Content-Length: 100000\r\n\r\n{\"channel\":\"slow\",\"data\":\"";

  private static final int ADMIN_PORT = RawHttp.freePort();

  private static final Map<String, String> TIMEOUTS = Map.of("http.header_timeout_ms", Long.toString(TIMEOUT_MS),
      "http.body_timeout_ms", Long.toString(TIMEOUT_MS), "http.idle_timeout_ms", Long.toString(TIMEOUT_MS));

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withSettings(TIMEOUTS);
  /** The same timeouts, with /api/* and /metrics on an admin port. */
  @RegisterExtension
  static final TestGatewayExtension withAdmin = TestGatewayExtension.withSettings(
      Map.of("admin.port", Integer.toString(ADMIN_PORT), "http.header_timeout_ms", Long.toString(TIMEOUT_MS)));

  /** Name, what the client sends at once, what it then trickles a byte at a time, what it receives before the close. */
  static Stream<Arguments> slowClients() {
    return Stream.of(
        arguments("no bytes after connect", "", "", "HTTP/1\\.1 408 .*"),
        arguments("unfinished head trickled", HEAD, "X-Slow: " + "a".repeat(200), "(HTTP/1\\.1 408 .*)?"),
        arguments("unfinished upgrade request trickled", UPGRADE, "X-Slow: " + "a".repeat(200), "(HTTP/1\\.1 408 .*)?"),
        arguments("body trickled", BODY, "b".repeat(200), ""),
        arguments("idle keep-alive after a response", HEAD + "\r\n", "", "HTTP/1\\.1 200 [^\\n]*\\r\\n.*\\{\"status\":\"UP\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("slowClients")
  void slowClientsAreClosedWithinTheTimeoutWhateverTheyTrickle(String name, String start, String trickle, String seen) {
    try (RawHttp client = RawHttp.open(node.port())) {
      long started = System.nanoTime();
      client.send(start);
      int[] next = {0};
      await(name).atMost(Duration.ofMillis(TIMEOUT_MS + 5_000)).pollInterval(POLL).until(() -> {
        if (client.closedByServer()) {
          return true;
        }
        if (next[0] < trickle.length()) {
          client.send(trickle.substring(next[0], ++next[0]));
        }
        return false;
      });
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(elapsedMs).as("closed by the timeout, not before").isGreaterThanOrEqualTo(TIMEOUT_MS - 100);
      assertThat(client.received()).matches(Pattern.compile(seen, Pattern.DOTALL));
    }
  }

  @Test
  void aHundredTricklingConnectionsAreAllClosed() {
    List<RawHttp> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        clients.add(RawHttp.open(node.port()).send(HEAD));
      }
      await().atMost(Duration.ofMillis(TIMEOUT_MS + 10_000)).pollInterval(POLL).until(() -> {
        boolean all = true;
        for (RawHttp client : clients) {
          if (!client.closedByServer()) {
            client.send("x");
            all = false;
          }
        }
        return all;
      });
    } finally {
      clients.forEach(RawHttp::close);
    }
  }

  @Test
  void timeoutsAreCountedAsLimitsAndTheAdminPortHasThemToo() {
    String counter = "herald_limits_triggered_total{limit=\"header_timeout\"}";
    double before = value(scrape(), counter);
    try (RawHttp client = RawHttp.open(ADMIN_PORT)) {
      await().atMost(Duration.ofMillis(TIMEOUT_MS + 5_000)).pollInterval(POLL).until(client::closedByServer);
      assertThat(client.received()).startsWith("HTTP/1.1 408 ");
    }
    assertThat(value(scrape(), counter)).isGreaterThan(before);
  }

  private static String scrape() {
    try (RawHttp metrics = RawHttp.open(ADMIN_PORT)) {
      return metrics.send("GET /metrics HTTP/1.1\r\nHost: herald\r\n\r\n").readResponse();
    }
  }

  /** The value of series {@code name} in a /metrics response. */
  private static double value(String response, String name) {
    return response.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
  }

  @Test
  void aSlowButCompleteRequestIsAnsweredAndItsConnectionKeptAlive() {
    String request = HEAD + "\r\n";
    try (RawHttp client = RawHttp.open(node.port())) {
      // Five pieces over about half the header timeout.
      int[] sent = {0};
      await().atMost(Duration.ofMillis(TIMEOUT_MS)).pollInterval(POLL).until(() -> {
        int to = Math.min(request.length(), sent[0] + request.length() / 5 + 1);
        client.send(request.substring(sent[0], to));
        sent[0] = to;
        return to == request.length();
      });
      assertThat(RawHttp.status(client.readResponse())).isEqualTo(200);
      assertThat(RawHttp.status(client.send(request).readResponse())).as("the next request on the connection").isEqualTo(200);
    }
  }

  @Test
  void anOpenWebSocketOutlivesTheHttpTimeouts() {
    try (WsClient client = node.connect()) {
      await().during(Duration.ofMillis(3 * TIMEOUT_MS)).atMost(Duration.ofMillis(3 * TIMEOUT_MS + 5_000))
          .until(() -> !client.isClosed());
      assertThat(client.framesUntilPong(1)).isEmpty();
    }
  }
}
