package io.herald.node.testing;

import io.herald.gateway.testing.ServerExtension;
import io.herald.node.HeraldNode;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** A real {@link TestNode} and its client Vertx around the tests (see {@link ServerExtension}). */
public final class NodeExtension extends ServerExtension<TestNode, NodeExtension> {

  private NodeExtension(Map<String, String> settings) {
    super(settings);
  }

  /** A node with the default configuration. */
  public static NodeExtension withDefaults() {
    return withSettings(Map.of());
  }

  /** A node with the defaults plus {@code settings} (config keys to values). */
  public static NodeExtension withSettings(Map<String, String> settings) {
    return new NodeExtension(settings);
  }

  /** Only the client Vertx; each test starts its node with {@link #start(Map)}. */
  public static NodeExtension startedByEachTest() {
    return new NodeExtension(null);
  }

  @Override
  protected TestNode startServer(Map<String, String> settings, JsonObject namespaces) {
    return TestNode.start(settings, namespaces);
  }

  /** The node under test (its id, {@code shutdown()}, ...). */
  public HeraldNode node() {
    return server().node();
  }
}
