package io.herald.gateway.transport;

import io.netty.channel.ChannelHandler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins what {@link VertxUpgrade} relies on in Vert.x (the channel behind an HTTP connection, the pipeline
 * handlers named {@code httpDecoder} and {@code handler}) and what {@link ClientSocket} does on a real server and
 * client: upgrades are answered by the endpoint (rejected, refused as invalid, or accepted with the sub-protocol
 * Netty chose) while plain requests still reach Vert.x; after the takeover no Vert.x handler is left in the
 * pipeline; frames, pings and both close handshakes work. A Vert.x upgrade that changes either fails here first.
 */
class ClientSocketTakeoverTest {

  private static final long TIMEOUT_S = 10;
  private static Vertx vertx;
  private static HttpServer server;
  /** Each accepted socket, with the pipeline's handlers right after the takeover and when the server saw it close. */
  private record Accepted(ClientSocket socket, List<String> pipeline, CompletableFuture<Void> closed) {
  }

  private static final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
  /** The pipeline of each event stream right after it started. */
  private static final BlockingQueue<List<String>> streamPipelines = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    VertxUpgrade upgrades = new VertxUpgrade(request -> {
      if (!request.head().path().equals("/x")) {
        request.reject(404);
        return;
      }
      ClientSocket socket = request.accept("127.0.0.1", null, java.util.Map.of());
      CompletableFuture<Void> closed = new CompletableFuture<>();
      socket.listen(new ClientTransport.Listener() {
        @Override
        public void onFrame(ClientTransport.FrameKind kind, boolean isFinal, Buffer data) {
          String text = data.toString(StandardCharsets.UTF_8);
          if (text.startsWith("close ")) {
            socket.close(Integer.parseInt(text.substring(6)), "asked to");
          } else {
            socket.write(Buffer.buffer(kind + ":" + isFinal + ":" + text));
          }
        }

        @Override
        public void onPong() {
          socket.write(Buffer.buffer("pong heard"));
        }

        @Override
        public void onError(Throwable cause) {
        }

        @Override
        public void onClosed() {
          closed.complete(null);
        }
      });
      accepted.add(new Accepted(socket, socket.channel().pipeline().toMap().entrySet().stream()
          .map(e -> e.getKey() + "=" + className(e.getValue())).toList(), closed));
    }, new VertxUpgrade.StreamEndpoint() {
      @Override
      public String path() {
        return "/stream";
      }

      @Override
      public void open(StreamRequest request) {
        SseStream stream = new SseStream(request, "127.0.0.1", 1 << 20, (r, code, reason) -> r.refuse(500, Buffer.buffer("{}")));
        stream.listen(ClientTransport.Listener.IGNORE);
        stream.start();
        stream.write(Buffer.buffer("data: " + request.head().uri() + "\n\n"));
        streamPipelines.add(stream.channel().pipeline().toMap().entrySet().stream()
            .map(e -> e.getKey() + "=" + className(e.getValue())).toList());
      }
    }, List.of("other", "echo"), 65536, 1 << 20);
    server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1"))
        .connectionHandler(upgrades::intercept)
        .requestHandler(request -> request.response().end("plain " + request.path()))
        .listen().toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  private static String className(ChannelHandler handler) {
    return handler.getClass().getName();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  private static WebSocket connect(WebSocketClient client) throws Exception {
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/x?a=1")
        .setSubProtocols(List.of("echo"))).toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  @Test
  void anEventStreamTakesTheConnectionFromVertxAndWritesChunks() throws Exception {
    io.vertx.core.http.HttpClient client = vertx.createHttpClient();
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<io.vertx.core.http.HttpClientResponse> head = new CompletableFuture<>();
    // On one context, the body handler is in place before the first chunk can be dispatched (it may share the
    // head's packet): set from the test thread, the chunk could come first and be missed.
    vertx.getOrCreateContext().runOnContext(v -> client.request(io.vertx.core.http.HttpMethod.GET,
            server.actualPort(), "127.0.0.1", "/stream?c=1")
        .compose(io.vertx.core.http.HttpClientRequest::send)
        .onSuccess(r -> r.handler(chunk -> first.complete(chunk.toString(StandardCharsets.UTF_8))))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            head.complete(ar.result());
          } else {
            head.completeExceptionally(ar.cause());
          }
        }));
    io.vertx.core.http.HttpClientResponse response = head.get(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/event-stream");
    assertThat(first.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("data: /stream?c=1\n\n");
    assertThat(streamPipelines.poll(TIMEOUT_S, TimeUnit.SECONDS)).as("handlers after the takeover")
        .noneMatch(h -> h.startsWith(VertxUpgrade.VERTX_HANDLER + "=") || h.startsWith(VertxUpgrade.VERTX_DECODER + "="))
        .anyMatch(h -> h.equals("herald=" + SseStream.class.getName()));
    client.close();
  }

  @Test
  void theSocketServesFramesPingsAndBothCloseHandshakesWithNoVertxHandlerLeft() throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = connect(client);
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    ws.textMessageHandler(received::add);
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));

    Accepted serverSide = accepted.poll(TIMEOUT_S, TimeUnit.SECONDS);
    ClientSocket socket = serverSide.socket();
    assertThat(socket.uri()).isEqualTo("/x?a=1");
    assertThat(socket.subProtocol()).isEqualTo("echo");
    assertThat(serverSide.pipeline()).as("handlers after the takeover")
        .noneMatch(h -> h.contains("=io.vertx."))
        .anyMatch(h -> h.startsWith("herald=" + ClientSocket.class.getName()))
        .anyMatch(h -> h.contains("WebSocket13FrameDecoder"))
        .anyMatch(h -> h.contains("WebSocket13FrameEncoder"));

    ws.writeTextMessage("hello");
    assertThat(received.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("TEXT:true:hello");
    ws.writeFrame(io.vertx.core.http.WebSocketFrame.textFrame("frag", false));
    ws.writeFrame(io.vertx.core.http.WebSocketFrame.continuationFrame(Buffer.buffer("ment"), true));
    assertThat(received.poll(TIMEOUT_S, TimeUnit.SECONDS)).as("frames are handed over whole, not reassembled").isEqualTo("TEXT:false:frag");
    assertThat(received.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("CONTINUATION:true:ment");

    CompletableFuture<Buffer> pong = new CompletableFuture<>();
    ws.pongHandler(pong::complete);
    ws.writePing(Buffer.buffer("p1"));
    assertThat(pong.get(TIMEOUT_S, TimeUnit.SECONDS).toString()).as("a ping is answered with its payload").isEqualTo("p1");
    socket.channel().eventLoop().execute(socket::writePing); // Vert.x's client answers: onPong
    assertThat(received.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("pong heard");

    ws.writeTextMessage("close 4321");
    assertThat(closed.get(TIMEOUT_S, TimeUnit.SECONDS)).as("the server's close code").isEqualTo((short) 4321);
    serverSide.closed().get(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(socket.isClosed()).isTrue();
    client.close();
  }

  @Test
  void plainRequestsReachVertxAndUpgradesTheEndpointWhichAnswersEachOne() throws Exception {
    String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";
    String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    assertThat(exchange("GET /plain HTTP/1.1\r\nHost: a\r\n\r\n")).startsWith("HTTP/1.1 200").endsWith("plain /plain");
    assertThat(exchange("GET /elsewhere HTTP/1.1\r\nHost: a\r\n" + upgrade + key + "\r\n")).as("rejected by the endpoint")
        .startsWith("HTTP/1.1 404");
    assertThat(exchange("GET /x HTTP/1.1\r\nHost: a\r\n" + upgrade + "\r\n")).as("no key").startsWith("HTTP/1.1 400");
    assertThat(exchange("GET /x HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Version: 99\r\n" + key + "\r\n")).as("unknown version").startsWith("HTTP/1.1 426")
        .containsIgnoringCase("Sec-WebSocket-Version: 13");
    assertThat(exchange("GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n" + upgrade + key + "\r\n"
        + "x".repeat(1000))).as("a handshake with a body: refused at once, the rest not read").startsWith("HTTP/1.1 400");
    assertThat(exchange("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n" + upgrade + key + "\r\n"))
        .as("not a GET: plain HTTP, as Vert.x would have it").startsWith("HTTP/1.1 200").endsWith("plain /x");
    String accepted = exchangeHead("GET /x HTTP/1.1\r\nHost: a\r\n" + upgrade + key
        + "Sec-WebSocket-Protocol: nope, echo\r\n\r\n");
    assertThat(accepted).startsWith("HTTP/1.1 101").contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        .containsIgnoringCase("sec-websocket-protocol: echo");
    assertThat(ClientSocketTakeoverTest.accepted.poll(TIMEOUT_S, TimeUnit.SECONDS).socket().subProtocol()).isEqualTo("echo");
  }

  /** Sends {@code request} on a new connection and reads until the server closes it. */
  private static String exchange(String request) throws Exception {
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.actualPort())) {
      raw.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
      raw.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      raw.shutdownOutput();
      return new String(raw.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** Sends {@code request} on a new connection and reads the response head. */
  private static String exchangeHead(String request) throws Exception {
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.actualPort())) {
      raw.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
      raw.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      StringBuilder head = new StringBuilder();
      java.io.InputStream in = raw.getInputStream();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.append((char) b);
      }
      return head.toString();
    }
  }

  @Test
  void aClientCloseIsEchoedWithItsCode() throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = connect(client);
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    Accepted serverSide = accepted.poll(TIMEOUT_S, TimeUnit.SECONDS);
    ws.close((short) 4100, "client leaves");
    assertThat(closed.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo((short) 4100);
    serverSide.closed().get(TIMEOUT_S, TimeUnit.SECONDS);
    client.close();
  }

  @Test
  void theOutboundLimitIsTheChannelsWaterMark() throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    connect(client);
    ClientSocket socket = accepted.poll(TIMEOUT_S, TimeUnit.SECONDS).socket();
    assertThat(socket.channel().config().getWriteBufferHighWaterMark()).isEqualTo(1 << 20);
    assertThat(socket.channel().config().getWriteBufferLowWaterMark()).isEqualTo(1 << 19);
    client.close();
  }

  /**
   * A client that sends pings and reads nothing: the pongs stop once the outbound bytes reach the limit (1 MiB
   * here), where answering every ping would queue all 12.5 MB of them in the node.
   */
  @Test
  void pingsFromAClientThatDoesNotReadQueueNoMoreThanTheOutboundLimit() throws Exception {
    try (java.net.Socket raw = new java.net.Socket()) {
      raw.setReceiveBufferSize(4096);
      raw.connect(new java.net.InetSocketAddress("127.0.0.1", server.actualPort()));
      java.io.OutputStream out = raw.getOutputStream();
      out.write(("GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Protocol: echo\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ClientSocket socket = accepted.poll(TIMEOUT_S, TimeUnit.SECONDS).socket();
      byte[] ping = new byte[2 + 4 + 125];
      ping[0] = (byte) 0x89; // FIN + ping
      ping[1] = (byte) (0x80 | 125); // masked, 125 bytes of payload (mask 0: the payload goes as is)
      for (int i = 0; i < 100_000; i++) {
        out.write(ping);
      }
      out.flush();
      // The writes returned: the node has read all but what the two kernel buffers hold (a few MB of 12.5).
      CompletableFuture<Long> pending = new CompletableFuture<>();
      socket.channel().eventLoop().execute(() -> pending.complete(
          socket.channel().unsafe().outboundBuffer().totalPendingWriteBytes()));
      long queued = pending.get(TIMEOUT_S, TimeUnit.SECONDS);
      assertThat(queued).as("bytes queued for a client that reads nothing").isLessThanOrEqualTo((1 << 20) + 256);
    }
  }
}
