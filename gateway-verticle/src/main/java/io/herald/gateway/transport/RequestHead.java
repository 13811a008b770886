package io.herald.gateway.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/** The head of a request taken from Vert.x's pipeline (an upgrade, an event stream): what an endpoint reads of it. */
public final class RequestHead {

  private final HttpRequest request;
  private final Channel channel;

  RequestHead(HttpRequest request, Channel channel) {
    this.request = request;
    this.channel = channel;
  }

  HttpRequest request() {
    return request;
  }

  /** The request target as sent: path and query. */
  public String uri() {
    return request.uri();
  }

  /** The path of {@link #uri}, without the query (and without scheme and authority in the absolute form). */
  public String path() {
    return path(request.uri());
  }

  static String path(String uri) {
    int start = 0;
    int scheme = uri.indexOf("://");
    if (!uri.startsWith("/") && scheme > 0) {
      int slash = uri.indexOf('/', scheme + 3);
      if (slash < 0) {
        return "/";
      }
      start = slash;
    }
    int end = uri.indexOf('?', start);
    return end < 0 ? uri.substring(start) : uri.substring(start, end);
  }

  /** The first value of header {@code name}, or null. */
  public String header(CharSequence name) {
    return request.headers().get(name);
  }

  /** Every value of header {@code name}, in order. */
  public List<String> headers(CharSequence name) {
    return request.headers().getAll(name);
  }

  /** The TCP peer's address as text, or null when the channel has none (already closed). */
  public String peerAddress() {
    SocketAddress address = channel.remoteAddress();
    return address instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress().getHostAddress() : null;
  }
}
