package io.herald.node;

import io.herald.core.config.HeraldConfig;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code herald}: starts a node and keeps it running until SIGTERM / Ctrl-C, which drains it. */
@Command(name = "herald", mixinStandardHelpOptions = true, version = "Herald 0.1.0",
    description = "Starts a Herald node: real-time pub/sub over WebSocket, with an HTTP publish API.",
    footer = {"", "Every setting has a HERALD_* environment variable and a config-file key; see docs/configuration.md.",
        "Precedence: defaults < --config file < environment < flags."})
public final class Main implements Callable<Integer> {

  @Option(names = "--port", description = "Public port (default 8080, env HERALD_PORT).")
  Integer port;

  @Option(names = "--host", description = "Interface to bind (default 0.0.0.0, env HERALD_HOST).")
  String host;

  @Option(names = "--config", description = "JSON config file (dotted keys, plus \"namespaces\").")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key, e.g. --set ws.max_subscriptions=64.")
  Map<String, String> settings = new LinkedHashMap<>();

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    CommandLine cli = new CommandLine(new Main());
    int code = cli.execute(args);
    if (code != 0 || cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    HeraldConfig config;
    try {
      config = HeraldConfig.load(readConfigFile(), System.getenv(), overrides());
    } catch (IllegalArgumentException e) {
      System.err.println("herald: invalid configuration: " + e.getMessage());
      return 2;
    }
    HeraldNode node;
    try {
      node = HeraldNode.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("herald: could not start: " + rootMessage(e));
      return 1;
    }
    printBanner(config, node);
    long drainMs = config.get(HeraldConfig.SHUTDOWN_DRAIN_MS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("herald: shutting down, draining connections (at most " + drainMs + " ms)");
      try {
        node.shutdown().toCompletionStage().toCompletableFuture().get(drainMs + 5_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        System.err.println("herald: drain did not finish: " + rootMessage(e));
      }
      System.out.println("herald: stopped");
    }, "herald-shutdown"));
    return 0; // the JVM keeps running on Vert.x's threads until the shutdown hook closes it
  }

  private JsonObject readConfigFile() throws IOException {
    if (configFile == null) {
      return new JsonObject();
    }
    try {
      return new JsonObject(Files.readString(configFile));
    } catch (io.vertx.core.json.DecodeException e) {
      throw new IllegalArgumentException(configFile + " is not a JSON object");
    }
  }

  private Map<String, String> overrides() {
    Map<String, String> all = new LinkedHashMap<>(settings);
    if (port != null) {
      all.put(HeraldConfig.PORT.key(), port.toString());
    }
    if (host != null) {
      all.put(HeraldConfig.HOST.key(), host);
    }
    return all;
  }

  private static void printBanner(HeraldConfig config, HeraldNode node) {
    String base = "localhost:" + node.port();
    System.out.println("herald: node " + node.nodeId() + " ready (standalone)");
    System.out.println("  WebSocket   ws://" + base + "/ws");
    System.out.println("  HTTP API    http://" + base + "/api/publish  (and /api/channels, /api/info, ...)");
    System.out.println("  GraphQL     http://" + base + "/graphql  (subscriptions: ws://" + base + "/graphql, graphql-transport-ws)");
    System.out.println("  GraphiQL    http://" + base + "/graphiql/");
    System.out.println("  metrics     http://" + base + "/metrics");
    System.out.println("  health      http://" + base + "/health/live  http://" + base + "/health/ready");
    if (config.get(HeraldConfig.API_KEY).isEmpty()) {
      System.out.println("  WARNING: no API key set (HERALD_API_KEY): anyone who reaches this port can use /api/*");
    }
    if (config.get(HeraldConfig.WS_ALLOWED_ORIGINS).isBlank()) {
      System.out.println("  WARNING: no origin allow-list (HERALD_WS_ALLOWED_ORIGINS): web pages of any site may open WebSockets here");
    }
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
