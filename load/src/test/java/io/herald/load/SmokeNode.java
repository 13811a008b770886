package io.herald.load;

import io.herald.core.config.HeraldConfig;
import io.herald.node.HeraldNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Herald node in the test's JVM on a free loopback port, for one test class
 * ({@code @RegisterExtension static final SmokeNode NODE = new SmokeNode();}), and a way to run the load
 * tool's commands at it.
 */
public final class SmokeNode implements BeforeAllCallback, AfterAllCallback {

  private HeraldNode node;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    HeraldConfig config = HeraldConfig.load(new JsonObject(), Map.of(), Map.of(HeraldConfig.PORT.key(), "0",
        HeraldConfig.HOST.key(), "127.0.0.1", HeraldConfig.SHUTDOWN_DRAIN_MS.key(), "200"));
    node = HeraldNode.start(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (node != null) {
      node.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + node.port();
  }

  /**
   * Runs {@code herald load <args> --url <this node> --event-loops 1 --json <json>} in this JVM, asserts it
   * exited 0, and returns the JSON's results.
   */
  public JsonObject run(Path json, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", url(), "--event-loops", "1", "--json", json.toString()));
    assertThat(LoadTool.commandLine().execute(all.toArray(String[]::new))).as("exit code of %s", all).isZero();
    return new JsonObject(Files.readString(json)).getJsonObject("results");
  }
}
