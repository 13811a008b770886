package io.herald.node.testing;

import io.herald.gateway.testing.TestServer;
import io.herald.node.HeraldNode;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** A whole Herald node on a free loopback port, started and stopped by a test. */
public final class TestNode implements TestServer {

  private final HeraldNode node;

  private TestNode(HeraldNode node) {
    this.node = node;
  }

  /** Starts a node with the defaults plus {@code settings} (config keys to values). */
  public static TestNode start(Map<String, String> settings) {
    return start(settings, new JsonObject());
  }

  public static TestNode start(Map<String, String> settings, JsonObject namespaces) {
    return new TestNode(TestServer.await(HeraldNode.start(TestServer.config(settings, namespaces))));
  }

  /** As {@link #start(Map)}; with {@code tracing.enabled} in {@code settings} the node's spans go to {@code spans}. */
  public static TestNode start(Map<String, String> settings, SpanExporter spans) {
    return new TestNode(TestServer.await(HeraldNode.start(TestServer.config(settings, new JsonObject()), spans)));
  }

  public static TestNode start() {
    return start(Map.of());
  }

  @Override
  public int port() {
    return node.port();
  }

  @Override
  public String nodeId() {
    return node.nodeId();
  }

  public HeraldNode node() {
    return node;
  }

  /** Drains the node ({@link HeraldNode#shutdown}) and waits for it. */
  @Override
  public void close() {
    TestServer.await(node.shutdown());
  }

  /** Waits up to 30 s for {@code future}. */
  public static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
    return TestServer.await(future);
  }
}
