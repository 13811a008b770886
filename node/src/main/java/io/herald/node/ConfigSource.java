package io.herald.node;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.SecurityPolicy;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a node's configuration comes from, as flags: {@code --config FILE} and {@code --set KEY=VALUE}, over the
 * environment and the defaults (docs/configuration.md). The node ({@link Main}) and the commands that read the
 * node's configuration ({@code check-config}, {@code token}) share it.
 */
public final class ConfigSource {

  @Option(names = "--config", description = "JSON config file (dotted keys, plus \"namespaces\").")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key, e.g. --set ws.max_subscriptions=64.")
  Map<String, String> settings = new LinkedHashMap<>();

  /**
   * Defaults < file < environment < {@code --set} < {@code flags} (the node's own shortcuts such as --port).
   *
   * @throws IllegalArgumentException naming what is wrong: an unreadable file, an unknown key or variable, a bad value
   */
  public HeraldConfig load(Map<String, String> flags) throws IOException {
    Map<String, String> overrides = new LinkedHashMap<>(settings);
    overrides.putAll(flags);
    return HeraldConfig.load(readConfigFile(), System.getenv(), overrides);
  }

  /**
   * The configuration with {@code flags} on top, or empty after telling {@code err} why it cannot be read, each
   * line headed by {@code who} ({@code herald}, {@code herald token}, ...).
   */
  public Optional<HeraldConfig> loadFor(String who, Map<String, String> flags, PrintWriter err) throws IOException {
    try {
      return Optional.of(load(flags));
    } catch (IllegalArgumentException e) {
      err.println(who + ": invalid configuration: " + e.getMessage());
      err.flush();
      return Optional.empty();
    }
  }

  /**
   * The configuration a node may start with, or empty after telling {@code err} why not: {@link #loadFor}, then
   * {@link #problems} listed under {@code who: refusal}.
   */
  public Optional<HeraldConfig> startableFor(String who, String refusal, Map<String, String> flags, PrintWriter err)
      throws IOException {
    Optional<HeraldConfig> loaded = loadFor(who, flags, err);
    List<String> problems = loaded.map(ConfigSource::problems).orElse(List.of());
    if (problems.isEmpty()) {
      return loaded;
    }
    err.println(who + ": " + refusal + ":");
    problems.forEach(p -> err.println("  - " + p));
    err.flush();
    return Optional.empty();
  }

  /** What stops a node from starting with {@code config}: invalid combinations, production mode's demands, a short secret. */
  public static List<String> problems(HeraldConfig config) {
    List<String> all = new ArrayList<>(StartupChecks.problems(config));
    SecurityPolicy.productionProblems(config).forEach(p -> all.add("production mode: " + p));
    if (!SecurityPolicy.production(config)) {
      all.addAll(SecurityPolicy.secretProblems(config)); // production mode lists it among its own
    }
    return all;
  }

  private JsonObject readConfigFile() throws IOException {
    if (configFile == null) {
      return new JsonObject();
    }
    try {
      return new JsonObject(Files.readString(configFile));
    } catch (DecodeException e) {
      throw new IllegalArgumentException(configFile + " is not a JSON object");
    }
  }
}
