package io.herald.node.cli;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.SecurityPolicy;
import io.herald.node.ConfigSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code herald check-config}: reads the configuration as a node would (file, environment, flags) and says whether a
 * node would start with it, without starting one: what is invalid, what production mode demands, what is left open.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = "Checks the configuration a node would start with (--config, HERALD_* variables, --set): exit 0 "
        + "when a node would start, 2 with the reasons when it would refuse; warnings for protections left off.")
public final class CheckConfigCommand implements Callable<Integer> {

  @Mixin
  ConfigSource source;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<HeraldConfig> startable = source.startableFor("herald check-config", "a node would refuse to start",
        Map.of(), err);
    if (startable.isEmpty()) {
      return 2;
    }
    HeraldConfig config = startable.get();
    out.println("herald check-config: OK (" + (SecurityPolicy.production(config) ? "production mode" : "development mode")
        + (config.get(HeraldConfig.CLUSTER) ? ", cluster" : ", standalone") + ", port " + config.get(HeraldConfig.PORT) + ")");
    List<String> off = SecurityPolicy.warnings(config);
    off.forEach(w -> out.println("  warning: " + w));
    out.flush();
    return 0;
  }
}
