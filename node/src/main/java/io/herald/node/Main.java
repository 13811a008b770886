package io.herald.node;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.SecurityPolicy;
import io.herald.node.cli.CheckConfigCommand;
import io.herald.node.cli.PubCommand;
import io.herald.node.cli.SubCommand;
import io.herald.node.cli.TokenCommand;
import io.herald.node.logging.NodeLogging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code herald}: starts a node and keeps it running until SIGTERM / Ctrl-C, which drains it. */
@Command(name = "herald", mixinStandardHelpOptions = true, version = "Herald 0.1.0",
    description = "Starts a Herald node: real-time pub/sub over WebSocket, with an HTTP publish API.",
    subcommands = {PubCommand.class, SubCommand.class, TokenCommand.class, CheckConfigCommand.class},
    footer = {"", "Every setting has a HERALD_* environment variable and a config-file key; see docs/configuration.md.",
        "Precedence: defaults < --config file < environment < flags."})
public final class Main implements Callable<Integer> {

  @Option(names = "--port", description = "Public port (default 8080, env HERALD_PORT).")
  Integer port;

  @Option(names = "--host", description = "Interface to bind (default 0.0.0.0, env HERALD_HOST).")
  String host;

  @Option(names = "--cluster", description = "Join a Hazelcast cluster (cluster.xml; env HERALD_CLUSTER=true).")
  boolean cluster;

  @Option(names = "--production", description = "Production mode (config production=true): refuses to start without an "
      + "API key and a JWT key, requires client auth, turns GraphQL introspection off.")
  boolean production;

  @Mixin
  ConfigSource source = new ConfigSource();

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    CommandLine cli = new CommandLine(new Main());
    int code = cli.execute(args);
    // A node keeps running on Vert.x's threads; a command (pub, sub, ...) or a refusal ends the process.
    boolean command = cli.getParseResult() != null && cli.getParseResult().subcommand() != null;
    if (code != 0 || command || cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = new PrintWriter(System.err, true);
    Optional<HeraldConfig> startable = source.startableFor("herald", "refusing to start", flags(), err);
    if (startable.isEmpty()) {
      return 2;
    }
    HeraldConfig config = startable.get();
    NodeLogging.configure(config); // before anything of the node logs
    Lifecycle say = new Lifecycle(config.get(HeraldConfig.LOG_FORMAT).equals("json"));
    HeraldNode node;
    try {
      node = HeraldNode.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      say.problem("could not start: " + rootMessage(e));
      return 1;
    }
    if (say.json()) {
      logBanner(config, node);
    } else {
      printBanner(config, node);
    }
    long drainMs = config.get(HeraldConfig.SHUTDOWN_DRAIN_MS);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      say.info("shutting down, draining connections (at most " + drainMs + " ms)");
      try {
        node.shutdown().toCompletionStage().toCompletableFuture().get(drainMs + 5_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        say.problem("drain did not finish: " + rootMessage(e));
      }
      say.info("stopped");
    }, "herald-shutdown"));
    return 0; // the JVM keeps running on Vert.x's threads until the shutdown hook closes it
  }

  /**
   * The node's lines about its own life: printed as {@code herald: ...} (problems on standard error) in the text
   * format, as they always were; with log.format=json, events of this class's logger, so every line is JSON.
   */
  private record Lifecycle(boolean json) {

    void info(String line) {
      if (json) {
        LoggerFactory.getLogger(Main.class).info(line);
      } else {
        System.out.println("herald: " + line);
      }
    }

    void problem(String line) {
      if (json) {
        LoggerFactory.getLogger(Main.class).error(line);
      } else {
        System.err.println("herald: " + line);
      }
    }
  }

  /** The node's shortcuts for settings (--port, --host, --cluster, --production). */
  private Map<String, String> flags() {
    Map<String, String> all = new LinkedHashMap<>();
    if (port != null) {
      all.put(HeraldConfig.PORT.key(), port.toString());
    }
    if (host != null) {
      all.put(HeraldConfig.HOST.key(), host);
    }
    if (cluster) {
      all.put(HeraldConfig.CLUSTER.key(), "true");
    }
    if (production) {
      all.put(HeraldConfig.PRODUCTION.key(), "true");
    }
    return all;
  }

  /** The banner's first line, less {@code herald: }: {@code node <id> ready (standalone)}. */
  private static String ready(HeraldConfig config, HeraldNode node) {
    String mode = (config.get(HeraldConfig.CLUSTER) ? "cluster of " + node.members() + " member(s)" : "standalone")
        + (SecurityPolicy.production(config) ? ", production mode" : "");
    return "node " + node.nodeId() + " ready (" + mode + ")";
  }

  /** What the banner warns of besides the protections off: a plain-TCP event bus, no origin allow-list. */
  private static List<String> otherWarnings(HeraldConfig config) {
    List<String> warnings = new ArrayList<>();
    if (config.get(HeraldConfig.CLUSTER) && !ClusterBus.tls(config)) {
      warnings.add("event bus between members is plain TCP (cluster.tls.*); the Hazelcast member port on "
          + config.get(HeraldConfig.CLUSTER_HOST) + " admits whoever reaches it (docs/security.md, Cluster)");
    }
    if (config.get(HeraldConfig.WS_ALLOWED_ORIGINS).isBlank()) {
      warnings.add("no origin allow-list (HERALD_WS_ALLOWED_ORIGINS): web pages of any site may open WebSockets here");
    }
    return warnings;
  }

  /** The banner as log events (log.format=json): ready with the ports, then one WARN per warning. */
  private static void logBanner(HeraldConfig config, HeraldNode node) {
    Logger log = LoggerFactory.getLogger(Main.class);
    int admin = config.get(HeraldConfig.ADMIN_PORT);
    LoggingEventBuilder line = log.atInfo().addKeyValue("port", node.port());
    (admin == 0 ? line : line.addKeyValue("admin_port", admin)).log(ready(config, node));
    SecurityPolicy.warnings(config).forEach(w -> log.warn("protection off: {}", w));
    otherWarnings(config).forEach(log::warn);
  }

  private static void printBanner(HeraldConfig config, HeraldNode node) {
    String base = "localhost:" + node.port();
    System.out.println("herald: " + ready(config, node));
    System.out.println("  WebSocket   ws://" + base + "/ws");

    System.out.println("  GraphQL     http://" + base + "/graphql  (subscriptions: ws://" + base + "/graphql, graphql-transport-ws)");
    System.out.println("  GraphiQL    http://" + base + "/graphiql/");
    int admin = config.get(HeraldConfig.ADMIN_PORT);
    String adminBase = admin == 0 ? base : config.get(HeraldConfig.ADMIN_HOST) + ":" + admin;
    System.out.println("  HTTP API    http://" + adminBase + "/api/publish  (and /api/channels, /api/info, ...)");
    System.out.println("  metrics     http://" + adminBase + "/metrics" + (admin == 0 ? "" : "  (admin port)"));
    System.out.println("  health      http://" + base + "/health/live  http://" + base + "/health/ready");
    if (SecurityPolicy.console(config)) {
      System.out.println("  console     http://" + base + "/");
    }
    List<String> off = SecurityPolicy.warnings(config);
    if (!off.isEmpty()) {
      System.out.println("  ************************************************************************");
      System.out.println("  WARNING: protections OFF (fine on a laptop, not on the internet):");
      off.forEach(w -> System.out.println("    - " + w));
      System.out.println("  See docs/security.md; --production refuses to start without keys.");
      System.out.println("  ************************************************************************");
    }
    otherWarnings(config).forEach(w -> System.out.println("  WARNING: " + w));
  }

  /** The innermost cause's message (its class name when it has none): what a person can act on. */
  public static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }
}
