package io.herald.gateway.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.buffer.Buffer;

/**
 * How a {@link io.herald.gateway.session.ClientSession} reaches its client: a WebSocket ({@link ClientSocket}) or a
 * server-sent event stream ({@link SseStream}). The session keeps what every client shares (the outbound bound,
 * heartbeat, lifetime, rates, auth, closing once); the transport keeps what its wire needs. Called on the
 * connection's event loop.
 */
public interface ClientTransport {

  /** What the session hears from its transport; called on the event loop. */
  interface Listener {
    /** For a transport that is only closed (a refused connection): hears nothing. */
    Listener IGNORE = new Listener() {
      @Override
      public void onFrame(FrameKind kind, boolean isFinal, Buffer data) {
      }

      @Override
      public void onPong() {
      }

      @Override
      public void onError(Throwable cause) {
      }

      @Override
      public void onClosed() {
      }
    };

    /** A data frame: text, binary, or a continuation of either; {@code data} is the session's to keep. */
    void onFrame(FrameKind kind, boolean isFinal, Buffer data);

    /** The peer answered a ping. */
    void onPong();

    /** The decoder refused what the peer sent (Netty's {@code CorruptedWebSocketFrameException}), or the transport failed. */
    void onError(Throwable cause);

    /** The TCP connection is closed, by either side. */
    void onClosed();
  }

  /** A data frame's kind. */
  enum FrameKind { TEXT, BINARY, CONTINUATION }

  /** Installs the session's listener; until then nothing is read. */
  void listen(Listener listener);

  /** The request's URI (path and query). */
  String uri();

  /** The client's address as the node sees it (X-Forwarded-For from a trusted proxy taken into account). */
  String clientIp();

  /** The request's Origin header, or null. */
  String origin();

  /** The request headers kept for the connect hook (proxy.headers), by name; empty without a connect hook. */
  java.util.Map<String, String> forwardedHeaders();

  /** The Netty channel, for the write-timeout check. */
  Channel channel();

  /** Whether nothing more may be written: closing, or the connection is gone. */
  boolean isClosed();

  /** Whether the bytes waiting to be written are over the outbound limit. */
  boolean writeQueueFull();

  /** The bytes the outbound queue may hold before {@link #writeQueueFull}. */
  int outboundLimit();

  /** Writes one outbound message, already encoded: a text frame's payload, or a whole server-sent event. */
  void write(Buffer encoded);

  /** Writes a keep-alive: a WebSocket ping, or an SSE comment. */
  void writePing();

  /**
   * Whether the peer answers {@link #writePing} (WebSocket pongs): then a silent peer is dead. An SSE client sends
   * nothing back; its liveness is TCP's and the write timeout's.
   */
  boolean hearsPeer();

  /** Whether reading is paused by the read budget (the peer's pongs may wait unread). */
  boolean readPaused();

  /** Ends the connection with {@code code} and {@code reason}, as the wire can say it. Once only. */
  void close(int code, String reason);

  /** Drops the TCP connection at once, nothing more written: for a peer that reads nothing. */
  void abort();

  /**
   * Once the connection is closed by the peer ({@link Listener#onClosed} without this side closing first): the code
   * of the peer's close frame, 1005 when its frame had none, 1006 when it sent none (it vanished; an SSE client always
   * leaves so).
   */
  default int peerCloseCode() {
    return WebSocketCloseStatus.ABNORMAL_CLOSURE.code();
  }
}
