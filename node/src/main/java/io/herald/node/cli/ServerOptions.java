package io.herald.node.cli;

import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpRequest;

/** Which node a command talks to, and with which API key: {@code --url} and {@code --api-key}. */
public final class ServerOptions {

  /** Read by the command line only; a node ignores it (HeraldConfig.NON_SETTING_ENV). */
  public static final String URL_ENV = "HERALD_URL";

  @Option(names = "--url", paramLabel = "URL",
      description = "The node's base URL (default: $HERALD_URL, else http://localhost:8080).")
  String url;

  @Option(names = "--api-key", paramLabel = "KEY",
      description = "API key for /api/* when the node requires one (default: $HERALD_API_KEY).")
  String apiKey;

  /** The base URL without a trailing slash. */
  public URI base() {
    String chosen = url != null ? url : System.getenv().getOrDefault(URL_ENV, "http://localhost:8080");
    URI uri = URI.create(chosen.endsWith("/") ? chosen.substring(0, chosen.length() - 1) : chosen);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("--url must be http:// or https://, not " + chosen);
    }
    return uri;
  }

  /** The node's WebSocket endpoint: ws(s)://host:port/ws. */
  public URI webSocket() {
    URI http = base();
    return URI.create(("https".equals(http.getScheme()) ? "wss" : "ws") + "://" + http.getRawAuthority() + "/ws");
  }

  /** A request to {@code path} on the node, with the API key when there is one. */
  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base() + path));
    String key = apiKey != null ? apiKey : System.getenv("HERALD_API_KEY");
    if (key != null && !key.isEmpty()) {
      builder.header("Authorization", "Bearer " + key);
    }
    return builder;
  }
}
