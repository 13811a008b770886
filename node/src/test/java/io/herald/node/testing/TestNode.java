package io.herald.node.testing;

import io.herald.core.config.HeraldConfig;
import io.herald.node.HeraldNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A whole Herald node on a free loopback port, started and stopped by a test. */
public final class TestNode implements AutoCloseable {

  private final HeraldNode node;

  private TestNode(HeraldNode node) {
    this.node = node;
  }

  /** Starts a node with the defaults plus {@code settings} (config keys to values). */
  public static TestNode start(Map<String, String> settings) {
    return start(settings, new JsonObject());
  }

  public static TestNode start(Map<String, String> settings, JsonObject namespaces) {
    Map<String, String> all = new HashMap<>(settings);
    all.putIfAbsent(HeraldConfig.PORT.key(), "0");
    all.putIfAbsent(HeraldConfig.HOST.key(), "127.0.0.1");
    HeraldConfig config = HeraldConfig.load(new JsonObject(), Map.of(), all).withNamespaces(namespaces);
    return new TestNode(await(HeraldNode.start(config).toCompletionStage().toCompletableFuture()));
  }

  public static TestNode start() {
    return start(Map.of());
  }

  public int port() {
    return node.port();
  }

  public HeraldNode node() {
    return node;
  }

  public String wsUrl() {
    return "ws://127.0.0.1:" + port() + "/ws";
  }

  /** A new /ws client connected to this node; it has already received {@code connected}. */
  public WsClient connect(Vertx clientVertx) {
    return WsClient.connect(clientVertx, port());
  }

  public HttpApiClient http(Vertx clientVertx) {
    return new HttpApiClient(clientVertx, port());
  }

  @Override
  public void close() {
    await(node.shutdown().toCompletionStage().toCompletableFuture());
  }

  /** Waits up to 30 s for {@code future}. */
  public static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
