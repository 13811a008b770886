package io.herald.gateway.testing;

import io.vertx.core.json.JsonObject;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A deliberately minimal WebSocket client over a plain {@link Socket}, for tests that need a client
 * that misbehaves: it never answers pings or close frames by itself, and it reads only when asked to
 * (a test can simply stop reading). Frames are read one at a time, without reassembling fragments.
 * Every read waits at most {@link WsClient#TIMEOUT_MS}.
 */
public final class RawWebSocket implements AutoCloseable {

  public static final int TEXT = 0x1;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  /** One frame as received: its opcode and unmasked payload. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    public JsonObject json() {
      return new JsonObject(text());
    }

    /** The status code of a close frame (1005 "no status" when the frame carries none). */
    public int closeCode() {
      if (opcode != CLOSE) {
        throw new AssertionError("not a close frame: opcode " + opcode);
      }
      return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }
  }

  /** The answer to an upgrade request: its status and its whole response head (status line and headers). */
  public record Upgrade(int status, String head) {
    /** The value of response header {@code name} (case-insensitive), or null. */
    public String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    this.out = socket.getOutputStream();
  }

  /** Opens a WebSocket to {@code /ws}; fails unless the server answers 101. */
  public static RawWebSocket connect(int port) {
    return connect(port, 0);
  }

  /**
   * Opens a WebSocket to {@code /ws} with the socket's receive buffer set to {@code receiveBufferBytes}
   * before connecting (0 keeps the system default): a small buffer makes a non-reading client fill up fast.
   */
  public static RawWebSocket connect(int port, int receiveBufferBytes) {
    return connect(port, "/ws", null, receiveBufferBytes);
  }

  /**
   * Opens a WebSocket to {@code path}, offering {@code subProtocol} in {@code Sec-WebSocket-Protocol}
   * unless it is null, with the receive buffer as in {@link #connect(int, int)}; fails unless the server answers 101.
   */
  public static RawWebSocket connect(int port, String path, String subProtocol, int receiveBufferBytes) {
    return connectFrom(null, port, path, subProtocol, receiveBufferBytes);
  }

  /** As {@link #connect(int, String, String, int)}, from local address {@code from} (another client IP on loopback). */
  public static RawWebSocket connectFrom(String from, int port, String path, String subProtocol, int receiveBufferBytes) {
    return connectFrom(from, port, path, subProtocol, receiveBufferBytes, Map.of());
  }

  /** As {@link #connectFrom(String, int, String, String, int)}, with {@code headers} added to the upgrade request. */
  public static RawWebSocket connectFrom(String from, int port, String path, String subProtocol, int receiveBufferBytes,
                                         Map<String, String> headers) {
    try {
      Socket socket = new Socket();
      if (from != null) {
        socket.bind(new InetSocketAddress(from, 0));
      }
      if (receiveBufferBytes > 0) {
        socket.setReceiveBufferSize(receiveBufferBytes);
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) WsClient.TIMEOUT_MS);
      socket.setSoTimeout((int) WsClient.TIMEOUT_MS);
      RawWebSocket ws = new RawWebSocket(socket);
      int status = ws.handshake(port, path, subProtocol, headers).status();
      if (status != 101) {
        socket.close();
        throw new AssertionError("WebSocket upgrade answered " + status + " instead of 101");
      }
      return ws;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends an upgrade request to {@code host:port/path} with {@code headers} added (Origin,
   * Sec-WebSocket-Extensions, ...) and returns the answer's status and head, then closes.
   */
  public static Upgrade upgrade(String host, int port, String path, Map<String, String> headers) {
    return upgradeFrom(null, host, port, path, headers);
  }

  /** As {@link #upgrade}, from local address {@code from} (such as 127.0.0.2: another client IP on loopback). */
  public static Upgrade upgradeFrom(String from, String host, int port, String path, Map<String, String> headers) {
    try (Socket socket = new Socket()) {
      if (from != null) {
        socket.bind(new InetSocketAddress(from, 0));
      }
      socket.connect(new InetSocketAddress(host, port), (int) WsClient.TIMEOUT_MS);
      socket.setSoTimeout((int) WsClient.TIMEOUT_MS);
      return new RawWebSocket(socket).handshake(port, path, null, headers);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends an upgrade request to {@code /ws} and returns the HTTP status of the answer, then closes. */
  public static int upgradeStatus(int port) {
    return upgradeStatus(port, "/ws");
  }

  /** Sends an upgrade request to {@code path} and returns the HTTP status of the answer, then closes. */
  public static int upgradeStatus(int port, String path) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) WsClient.TIMEOUT_MS);
      socket.setSoTimeout((int) WsClient.TIMEOUT_MS);
      return new RawWebSocket(socket).handshake(port, path, null, Map.of()).status();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Upgrade handshake(int port, String path, String subProtocol, Map<String, String> headers) throws IOException {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request = "GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
        + (subProtocol == null ? "" : "Sec-WebSocket-Protocol: " + subProtocol + "\r\n")
        + headers.entrySet().stream().map(h -> h.getKey() + ": " + h.getValue() + "\r\n").reduce("", String::concat)
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHeaders();
    String statusLine = head.split("\r\n", 2)[0]; // "HTTP/1.1 101 Switching Protocols"
    return new Upgrade(Integer.parseInt(statusLine.split(" ")[1]), head);
  }

  /** Reads the response head up to the blank line; frames that follow stay in {@code in}. */
  private String readHeaders() throws IOException {
    return readHead(in);
  }

  /** Reads an HTTP head from {@code in} up to and including the blank line; what follows stays in {@code in}. */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before the end of the head: " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  public RawWebSocket sendText(String text) {
    return sendFrame(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  public RawWebSocket send(JsonObject frame) {
    return sendText(frame.encode());
  }

  /** Sends one final frame, masked as a client must. */
  public RawWebSocket sendFrame(int opcode, byte[] payload) {
    return sendFrame(true, opcode, payload);
  }

  /**
   * Sends one masked frame, final or not: a text frame with {@code fin} false starts a fragmented message,
   * opcode 0 continues it. Nothing stops a test from sending what the protocol forbids (a fragmented
   * control frame, a reserved opcode): that is the point.
   */
  public RawWebSocket sendFrame(boolean fin, int opcode, byte[] payload) {
    try {
      ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
      frame.write((fin ? 0x80 : 0) | (opcode & 0x7F));
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else if (payload.length <= 0xFFFF) {
        frame.write(0x80 | 126);
        frame.write(payload.length >>> 8);
        frame.write(payload.length);
      } else {
        frame.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          frame.write((int) ((long) payload.length >>> shift));
        }
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i % 4]);
      }
      out.write(frame.toByteArray());
      out.flush();
      return this;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code bytes} as they are: frames with RSV bits, unmasked frames, garbage. */
  public RawWebSocket sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next frame of any opcode, waiting up to {@link WsClient#TIMEOUT_MS}. */
  public Frame readFrame() {
    try {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long length = b1 & 0x7F;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
      byte[] payload = new byte[Math.toIntExact(length)];
      in.readFully(payload);
      if (mask != null) {
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i % 4];
        }
      }
      return new Frame(b0 & 0x0F, payload);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within " + WsClient.TIMEOUT_MS + " ms");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next text frame as JSON, which must have this {@code type}; control frames before it are skipped. */
  public JsonObject next(String type) {
    Frame frame = readFrame();
    while (frame.opcode() == PING || frame.opcode() == PONG) {
      frame = readFrame();
    }
    if (frame.opcode() != TEXT || !type.equals(frame.json().getString("type"))) {
      throw new AssertionError("expected a " + type + " frame, got opcode " + frame.opcode() + ": " + frame.text());
    }
    return frame.json();
  }

  /** Reads and discards frames until one with {@code opcode} arrives, and returns it. */
  public Frame skipUntil(int opcode) {
    Frame frame = readFrame();
    while (frame.opcode() != opcode) {
      frame = readFrame();
    }
    return frame;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
