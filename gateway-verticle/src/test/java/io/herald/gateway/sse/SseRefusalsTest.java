package io.herald.gateway.sse;

import io.herald.gateway.testing.SseClient;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.Tokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code GET /sse} refuses, and how: every bad or unauthorised request is answered with the HTTP API's JSON
 * error and its status, never an open stream (a table); a valid token in the query or the Authorization header
 * opens one; connection caps; and a reader too slow for its stream is cut with {@code event: close} 4008.
 */
class SseRefusalsTest {

  private static final String SECRET = "sse-secret-0123456789abcdef-0123456789";

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withSettings(Map.of("auth.hmac_secret", SECRET,
          "ws.allowed_origins", "https://app.example.com", "ws.max_subscriptions", "3"))
      .namespaces(new JsonObject()
          .put("members", new JsonObject().put("subscribe", "authenticated"))
          .put("closed", new JsonObject().put("history", false)));

  @RegisterExtension
  static final TestGatewayExtension capped = TestGatewayExtension.withSettings(Map.of("ws.max_connections", "1"));

  /** A short lifetime, and a short ping interval so that the sweep that enforces it runs often (as LifetimeTest). */
  @RegisterExtension
  static final TestGatewayExtension shortLived = TestGatewayExtension.withSettings(Map.of("ws.max_lifetime_ms", "300",
      "ws.ping_interval_ms", "1000"));

  @RegisterExtension
  static final TestGatewayExtension fewHttp = TestGatewayExtension.withSettings(Map.of("http.max_connections", "2"));

  @RegisterExtension
  static final TestGatewayExtension small = TestGatewayExtension.withSettings(Map.of("ws.outbound_queue_bytes", "65536"));

  @RegisterExtension
  static final TestGatewayExtension perAddress = TestGatewayExtension.withSettings(Map.of("ws.max_connections_per_ip", "1",
      "ws.connect_rate_exempt_loopback", "false"));

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no channel                         | /sse                                      |                   | 400 | bad_request",
      "an invalid channel name            | /sse?channel=a%20b                        |                   | 400 | invalid_channel",
      "a channel twice                    | /sse?channel=a&channel=a                  |                   | 400 | bad_request",
      "more channels than allowed         | /sse?channel=a&channel=b&channel=c&channel=d |                | 400 | too_many_subscriptions",
      "since with several channels        | /sse?channel=a&channel=b&since=e:1        |                   | 400 | bad_request",
      "since that is no position          | /sse?channel=a&since=12                   |                   | 400 | bad_request",
      "since with a negative offset       | /sse?channel=a&since=e:-1                 |                   | 400 | bad_request",
      "a cursor of other channels         | /sse?channel=a&channel=b                  | Last-Event-ID=e:1 | 400 | bad_request",
      "a cursor that is no cursor         | /sse?channel=a                            | Last-Event-ID=%%% | 400 | bad_request",
      "a malformed token                  | /sse?channel=a&token=not.a.token          |                   | 401 | unauthorized",
      "an anonymous subscriber of members | /sse?channel=members:x                    |                   | 403 | permission_denied",
      "a replay where history is closed   | /sse?channel=closed:x&since=e:0           |                   | 403 | permission_denied",
      "an origin not allowed              | /sse?channel=a                            | Origin=https://evil.example | 403 | permission_denied",
  })
  void isAnsweredWithTheHttpApiError(String name, String path, String header, int status, String code) {
    Map<String, String> headers = new HashMap<>();
    if (header != null) {
      String[] kv = header.split("=", 2);
      headers.put(kv[0], kv[1]);
    }
    try (SseClient refused = SseClient.open(node.port(), path, headers)) {
      assertThat(refused.status()).isEqualTo(status);
      assertThat(refused.header("Content-Type")).isEqualTo("application/json");
      assertThat(refused.errorBody().getJsonObject("error").getString("code")).isEqualTo(code);
    }
  }

  @Test
  void anExpiredTokenIsRefusedAndAValidOneOpensTheStreamFromTheQueryOrTheHeader() {
    Tokens tokens = Tokens.hs256(node.vertx(), SECRET);
    try (SseClient expired = SseClient.open(node.port(), "/sse?channel=members:x&token="
        + tokens.sign(Tokens.claims("alice", -60)))) {
      assertThat(expired.status()).isEqualTo(401);
      assertThat(expired.errorBody().getJsonObject("error").getString("message")).isEqualTo("token expired");
    }
    try (SseClient inQuery = SseClient.open(node.port(), "/sse?channel=members:x&token=" + tokens.user("alice"));
         SseClient inHeader = SseClient.open(node.port(), "/sse?channel=members:x",
             Map.of("Authorization", "Bearer " + tokens.user("bob")))) {
      assertThat(inQuery.next("connected").json().getString("user")).isEqualTo("alice");
      assertThat(inHeader.next("connected").json().getString("user")).isEqualTo("bob");
      assertThat(inQuery.next("subscribed").json().getString("channel")).isEqualTo("members:x");
      assertThat(inHeader.next("subscribed").json().getString("channel")).isEqualTo("members:x");
    }
  }

  @Test
  void anAllowedOriginMayReadTheStreamAcrossOrigins() {
    try (SseClient stream = SseClient.open(node.port(), "/sse?channel=a", Map.of("Origin", "https://app.example.com"))) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
    }
  }

  @Test
  void streamsCountAgainstTheConnectionCaps() {
    try (SseClient first = SseClient.open(capped.port(), "/sse?channel=a")) {
      first.next("connected");
      try (SseClient second = SseClient.open(capped.port(), "/sse?channel=a")) {
        assertThat(second.status()).isEqualTo(503);
        assertThat(second.errorBody().getJsonObject("error").getString("code")).isEqualTo("unavailable");
      }
    }
    try (SseClient first = SseClient.open(perAddress.port(), "/sse?channel=a")) {
      first.next("connected");
      try (SseClient second = SseClient.open(perAddress.port(), "/sse?channel=a")) {
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.errorBody().getJsonObject("error").getString("code")).isEqualTo("rate_limited");
      }
    }
  }

  /** A stream ends at the connection lifetime like a WebSocket, and its cursor resumes it with nothing lost. */
  @Test
  void aStreamEndsWithCloseAtItsLifetimeAndResumesFromItsCursor() {
    String cursor;
    try (SseClient stream = SseClient.open(shortLived.port(), "/sse?channel=life")) {
      stream.next("connected");
      stream.next("subscribed");
      shortLived.http().publish("life", 1);
      stream.next("message");
      List<SseClient.Event> rest = stream.untilEnd();
      SseClient.Event close = rest.get(rest.size() - 1);
      assertThat(close.type()).isEqualTo("close");
      assertThat(close.json().getInteger("code")).isEqualTo(4010);
      cursor = stream.lastEventId();
    }
    shortLived.http().publish("life", 2);
    try (SseClient resumed = SseClient.open(shortLived.port(), "/sse?channel=life", Map.of("Last-Event-ID", cursor))) {
      resumed.next("connected");
      assertThat(resumed.next("subscribed").json().getBoolean("recovered")).isTrue();
      assertThat(resumed.next("message").json().getLong("offset")).isEqualTo(2);
    }
  }

  /** An open stream is a client session, not an HTTP request: it leaves http.max_connections to requests. */
  @Test
  void openStreamsLeaveTheHttpConnectionCounts() {
    List<SseClient> streams = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        SseClient stream = SseClient.open(fewHttp.port(), "/sse?channel=a");
        streams.add(stream);
        assertThat(stream.status()).as("stream %s", i).isEqualTo(200);
        stream.next("connected");
      }
      assertThat(fewHttp.http().get("/health/live").status()).isEqualTo(200);
    } finally {
      streams.forEach(SseClient::close);
    }
  }

  /**
   * A reader that reads nothing while 64 KiB (ws.outbound_queue_bytes) and more wait for it is cut: what it reads
   * afterwards is a gapless run of the channel's messages from the first, then {@code event: close} 4008, then the end.
   */
  @Test
  void aReaderTooSlowForItsStreamIsCutWithACloseEvent() throws IOException {
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096); // before connecting: the window the node sees stays small
      socket.connect(new InetSocketAddress("127.0.0.1", small.port()), 5_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /sse?channel=flood HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(in.read()).isEqualTo('H'); // the head is out: the stream is open
      String data = "x".repeat(8_000);
      double cutBefore = slowConsumerCloses();
      int published = 0;
      // Until the node cuts the reader (it counts the 4008), bounded: 2,000 x 8 KB is far beyond any buffer here.
      while (slowConsumerCloses() == cutBefore && published < 2_000) {
        for (int i = 0; i < 50; i++, published++) {
          small.http().publish("flood", data);
        }
      }
      socket.setSoTimeout(30_000);
      String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<Long> offsets = new java.util.ArrayList<>();
      Matcher m = Pattern.compile("\"offset\":(\\d+),\"data\"").matcher(rest);
      while (m.find()) {
        offsets.add(Long.parseLong(m.group(1)));
      }
      assertThat(offsets).isNotEmpty().hasSizeLessThan(published);
      for (int i = 0; i < offsets.size(); i++) {
        assertThat(offsets.get(i)).isEqualTo(offsets.get(0) + i);
      }
      assertThat(rest).contains("event: close\ndata: {\"type\":\"close\",\"code\":4008,\"reason\":\"slow consumer\"}");
    }
  }

  /** The node's count of connections closed as slow consumers. */
  private static double slowConsumerCloses() {
    Matcher m = Pattern.compile("herald_disconnects_total\\{code=\"4008\",initiator=\"server\"\\} (\\S+)")
        .matcher(small.http().get("/metrics").body().toString());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
