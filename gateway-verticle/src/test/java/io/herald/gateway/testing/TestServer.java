package io.herald.gateway.testing;

import io.herald.core.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Herald public port started by a test on a free loopback port: the gateway alone ({@link TestGateway}, for
 * the gateway's and GraphQL's modules) or a whole node ({@code io.herald.node.testing.TestNode}).
 * {@link ServerExtension} runs either around the tests.
 */
public interface TestServer extends AutoCloseable {

  /** The bound public port. */
  int port();

  /** The node id the server reports (in {@code connected}, presence entries, ...). */
  String nodeId();

  /** Stops the server; waits for it. */
  @Override
  void close();

  default String wsUrl() {
    return "ws://127.0.0.1:" + port() + "/ws";
  }

  /** A new /ws client connected to this server; it has already received {@code connected}. */
  default WsClient connect(Vertx clientVertx) {
    return WsClient.connect(clientVertx, port());
  }

  default HttpApiClient http(Vertx clientVertx) {
    return new HttpApiClient(clientVertx, port());
  }

  /** The defaults plus {@code settings} (config keys to values), on a free port of 127.0.0.1, with {@code namespaces}. */
  static HeraldConfig config(Map<String, String> settings, JsonObject namespaces) {
    Map<String, String> all = new HashMap<>(settings);
    all.putIfAbsent(HeraldConfig.PORT.key(), "0");
    all.putIfAbsent(HeraldConfig.HOST.key(), "127.0.0.1");
    return HeraldConfig.load(new JsonObject(), Map.of(), all).withNamespaces(namespaces);
  }

  /** Waits up to 30 s for {@code future}. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits up to 30 s for {@code future}. */
  static <T> T await(Future<T> future) {
    return await(future.toCompletionStage().toCompletableFuture());
  }
}
