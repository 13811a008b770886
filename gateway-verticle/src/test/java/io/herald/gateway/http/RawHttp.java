package io.herald.gateway.http;

import io.herald.gateway.testing.RawWebSocket;
import io.herald.gateway.testing.WsClient;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 client over a plain {@link Socket} that can misbehave: send a request in pieces, byte by
 * byte, or nothing at all, and tell without blocking whether the server has closed the connection.
 */
final class RawHttp implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean closed;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static RawHttp open(int port) {
    return open(null, port);
  }

  /** Connects to the node on 127.0.0.1 from local address {@code from} (another client IP on loopback), or any. */
  static RawHttp open(String from, int port) {
    try {
      Socket socket = new Socket();
      if (from != null) {
        socket.bind(new InetSocketAddress(from, 0));
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) WsClient.TIMEOUT_MS);
      return new RawHttp(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port free now, for a setting that needs a real one ({@code admin.port}). */
  static int freePort() {
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      return free.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code text} as is; a connection the server has reset counts as closed. */
  RawHttp send(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      closed = true;
    }
    return this;
  }

  /** Whether the server has closed the connection (end of stream or reset); keeps what it sent. Waits 1 ms at most. */
  boolean closedByServer() {
    if (closed) {
      return true;
    }
    try {
      socket.setSoTimeout(1);
      byte[] buffer = new byte[4096];
      int n = in.read(buffer);
      if (n < 0) {
        closed = true;
      } else {
        received.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // nothing yet: still open
    } catch (IOException e) {
      closed = true;
    }
    return closed;
  }

  /** What {@link #closedByServer} has read so far. */
  String received() {
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads one whole response (head, then a Content-Length body), waiting up to {@link WsClient#TIMEOUT_MS}. */
  String readResponse() {
    try {
      socket.setSoTimeout((int) WsClient.TIMEOUT_MS);
      String text = RawWebSocket.readHead(in);
      int length = 0;
      for (String line : text.split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The status code of a response {@link #readResponse} returned. */
  static int status(String response) {
    return Integer.parseInt(response.split(" ", 3)[1]);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
