package io.herald.node.testing;

import io.herald.node.HeraldNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * A real {@link TestNode} and the client {@link Vertx} that talks to it, started and closed around
 * the tests: register it with {@code @RegisterExtension}.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final NodeExtension node = NodeExtension.withSettings(Map.of("ws.max_subscriptions", "3"))
 *     .namespaces(new JsonObject().put("chat", new JsonObject().put("join_leave", true)));
 * </pre>
 *
 * <p>The field decides the scope: a {@code static} field shares one node among the tests of the class
 * (started before all, closed after all); an instance field gives every test a node of its own
 * (started before each, closed after each). With {@link #startedByEachTest()} the extension only
 * creates the client Vertx and each test starts its node with {@link #start(Map)}, for tests whose
 * settings differ; the extension still closes it. Closing shuts the node down, then closes the client
 * Vertx (and with it every client made from it), each wait bounded.
 */
public final class NodeExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** The settings the extension starts the node with; null when each test starts it. */
  private final Map<String, String> settings;
  private JsonObject namespaces = new JsonObject();
  private boolean perClass;

  private Vertx vertx;
  private TestNode node;
  private HttpApiClient http;

  private NodeExtension(Map<String, String> settings) {
    this.settings = settings;
  }

  /** A node with the default configuration. */
  public static NodeExtension withDefaults() {
    return withSettings(Map.of());
  }

  /** A node with the defaults plus {@code settings} (config keys to values). */
  public static NodeExtension withSettings(Map<String, String> settings) {
    return new NodeExtension(Map.copyOf(settings));
  }

  /** Only the client Vertx; each test starts its node with {@link #start(Map)}. */
  public static NodeExtension startedByEachTest() {
    return new NodeExtension(null);
  }

  /** The namespaces JSON the node starts with, such as {@code {"chat": {"history_size": 5}}}. */
  public NodeExtension namespaces(JsonObject namespaces) {
    this.namespaces = namespaces.copy();
    return this;
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
      node = TestNode.start(settings, namespaces);
    }
  }

  private void close() {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      node = null;
      http = null;
      if (vertx != null) {
        TestNode.await(vertx.close().toCompletionStage().toCompletableFuture());
        vertx = null;
      }
    }
  }

  /**
   * Starts this test's node with the defaults plus {@code settings} and the {@link #namespaces};
   * only with {@link #startedByEachTest()}, once per test.
   */
  public void start(Map<String, String> settings) {
    if (this.settings != null || node != null) {
      throw new IllegalStateException("the node is already started");
    }
    node = TestNode.start(settings, namespaces);
  }

  /** The client Vertx: its clients are closed with it after the tests. */
  public Vertx vertx() {
    if (vertx == null) {
      throw new IllegalStateException("no client Vertx outside the tests");
    }
    return vertx;
  }

  private TestNode testNode() {
    if (node == null) {
      throw new IllegalStateException("the node is not started");
    }
    return node;
  }

  /** The node under test (its id, {@code shutdown()}, ...). */
  public HeraldNode node() {
    return testNode().node();
  }

  public int port() {
    return testNode().port();
  }

  /** A new /ws client connected to the node; it has already received {@code connected}. */
  public WsClient connect() {
    return testNode().connect(vertx());
  }

  /** The HTTP API client shared by the tests that share the node. */
  public synchronized HttpApiClient http() {
    if (http == null) {
      http = testNode().http(vertx());
    }
    return http;
  }

  /** A new HTTP API client with connections of its own, for tests that need several independent ones. */
  public HttpApiClient newHttp() {
    return testNode().http(vertx());
  }
}
