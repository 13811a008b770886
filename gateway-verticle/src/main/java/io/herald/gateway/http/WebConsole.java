package io.herald.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.regex.Pattern;

/**
 * The web console: static files from the jar ({@code console/} on the classpath: index.html, console.js,
 * console.css and a copy of the JavaScript SDK in {@code sdk/}), served at {@code GET /} (the page) and
 * {@code /console/*}. Every answer carries a Content-Security-Policy that lets the page load scripts and styles
 * from this origin only and connect to nothing but this origin's HTTP API and WebSocket; files are revalidated on
 * each load (they carry no version in their names), which a Last-Modified answers with 304.
 */
public final class WebConsole {

  /** The classpath folder of the console's files. */
  static final String WEB_ROOT = "console";
  /** A Host header that is a plain host name, IPv4 or bracketed IPv6 literal, with an optional port. */
  private static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}])(?::[0-9]{1,5})?");

  private WebConsole() {
  }

  public static void mount(Router router) {
    // Vert.x resolves the web root in the working directory before the classpath: a console/ folder in the directory
    // the node runs in would be served instead of the jar's (the image runs in /opt/herald, which has none).
    StaticHandler files = StaticHandler.create(WEB_ROOT)
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setIndexPage("index.html")
        .setCachingEnabled(true)
        // text/* answers name their charset: the files' own, not the JVM's default (US-ASCII in a bare container).
        .setDefaultContentEncoding("UTF-8");
    Handler<RoutingContext> headers = WebConsole::headers;
    router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(headers).handler(files);
    router.route("/console/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(headers).handler(files);
  }

  private static void headers(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", policy(ctx.request().getHeader("Host")))
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        // StaticHandler keeps a Cache-Control already set: revalidate every time (Last-Modified, 304).
        .putHeader("Cache-Control", "no-cache");
    ctx.next();
  }

  /**
   * Only this origin: scripts, styles, the favicon, fetches to /api/* and the WebSocket to /ws. {@code 'self'}
   * covers ws: and wss: of the same host in CSP Level 3 browsers; older ones (Safari before 15.4) need them named,
   * so they are, from the request's Host when it is a well-formed host[:port] (never anything else, so a Host
   * header cannot add directives).
   */
  static String policy(String host) {
    String sockets = host != null && HOST.matcher(host).matches() ? " ws://" + host + " wss://" + host : "";
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'" + sockets
        + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  }
}
