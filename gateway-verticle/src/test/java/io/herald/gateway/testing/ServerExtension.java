package io.herald.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * A real {@link TestServer} and the client {@link Vertx} that talks to it, started and closed around the tests:
 * register a subclass ({@link TestGatewayExtension}, or {@code NodeExtension} in {@code node}) with
 * {@code @RegisterExtension}.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final TestGatewayExtension node = TestGatewayExtension.withSettings(Map.of("ws.max_subscriptions", "3"))
 *     .namespaces(new JsonObject().put("chat", new JsonObject().put("join_leave", true)));
 * </pre>
 *
 * <p>The field decides the scope: a {@code static} field shares one server among the tests of the class
 * (started before all, closed after all); an instance field gives every test a server of its own
 * (started before each, closed after each). Made with no settings (the subclasses' {@code startedByEachTest()}),
 * the extension only creates the client Vertx and each test starts its server with {@link #start(Map)}, for tests
 * whose settings differ; the extension still closes it. Closing stops the server, then closes the client Vertx
 * (and with it every client made from it), each wait bounded.
 *
 * @param <S> the server
 * @param <E> the subclass, which {@link #namespaces} returns
 */
public abstract class ServerExtension<S extends TestServer, E extends ServerExtension<S, E>>
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** The settings the extension starts the server with; null when each test starts it. */
  private final Map<String, String> settings;
  private JsonObject namespaces = new JsonObject();
  private boolean perClass;

  private Vertx vertx;
  private S server;
  private HttpApiClient http;

  /** @param settings config keys to values, or null when each test starts its server */
  protected ServerExtension(Map<String, String> settings) {
    this.settings = settings == null ? null : Map.copyOf(settings);
  }

  /** Starts the server with the defaults plus {@code settings} and {@code namespaces}. */
  protected abstract S startServer(Map<String, String> settings, JsonObject namespaces);

  /** The namespaces JSON the server starts with, such as {@code {"chat": {"history_size": 5}}}. */
  @SuppressWarnings("unchecked")
  public E namespaces(JsonObject namespaces) {
    this.namespaces = namespaces.copy();
    return (E) this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true; // only called for a static field
    open();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      open();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      close();
    }
  }

  private void open() {
    vertx = Vertx.vertx();
    if (settings != null) {
      server = startServer(settings, namespaces);
    }
  }

  private void close() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      server = null;
      http = null;
      if (vertx != null) {
        TestServer.await(vertx.close());
        vertx = null;
      }
    }
  }

  /**
   * Starts this test's server with the defaults plus {@code settings} and the {@link #namespaces};
   * only when each test starts its server, once per test.
   */
  public void start(Map<String, String> settings) {
    if (this.settings != null || server != null) {
      throw new IllegalStateException("the server is already started");
    }
    server = startServer(settings, namespaces);
  }

  /** The client Vertx: its clients are closed with it after the tests. */
  public Vertx vertx() {
    if (vertx == null) {
      throw new IllegalStateException("no client Vertx outside the tests");
    }
    return vertx;
  }

  /** The server under test. */
  protected S server() {
    if (server == null) {
      throw new IllegalStateException("the server is not started");
    }
    return server;
  }

  public int port() {
    return server().port();
  }

  /** The node id the server reports. */
  public String nodeId() {
    return server().nodeId();
  }

  /** A new /ws client connected to the server; it has already received {@code connected}. */
  public WsClient connect() {
    return server().connect(vertx());
  }

  /** The HTTP API client shared by the tests that share the server. */
  public synchronized HttpApiClient http() {
    if (http == null) {
      http = server().http(vertx());
    }
    return http;
  }

  /** A new HTTP API client with connections of its own, for tests that need several independent ones. */
  public HttpApiClient newHttp() {
    return server().http(vertx());
  }
}
