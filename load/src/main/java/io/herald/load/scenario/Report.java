package io.herald.load.scenario;

import io.herald.load.engine.Progress;
import io.herald.load.engine.Result;
import io.herald.load.report.Outcome;
import io.herald.load.report.Peers;
import io.herald.load.report.ReportWriter;
import io.herald.load.report.Suite;
import io.herald.load.report.Targets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Runs the suite (the runs of suite.json whose scenario this build registers) against the target nodes,
 * and writes a Markdown report with SVG charts and a PASS/FAIL column against the targets file.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Runs the whole suite at the report's scale (or --scale large, or both) and writes a Markdown "
        + "report with SVG charts and PASS/FAIL against the targets file (load/targets.json).",
        "The comparison with Nchan runs against --peer-url, or an Nchan the report starts itself with "
            + "load/peers/nchan/run-nchan.sh; --skip-peers leaves it out.",
        "Exit code 1 when a scenario failed to run (not when a target is missed)."})
public final class Report implements Callable<Integer> {

  enum Scale { REPORT, LARGE, BOTH }

  private static final Path NCHAN_SCRIPT = Path.of("load", "peers", "nchan", "run-nchan.sh");

  @Mixin
  Target target;

  @Spec
  CommandSpec spec;

  @Option(names = "--scale", description = "report, large or both (default ${DEFAULT-VALUE}).")
  Scale scale = Scale.REPORT;

  @Option(names = "--quick", description = "Seconds-long runs instead, for CI smoke use: the figures mean nothing.")
  boolean quick;

  @Option(names = "--out", description = "The Markdown file; charts and JSON results go beside it (default ${DEFAULT-VALUE}).")
  Path out = Path.of("load-results", "report.md");

  @Option(names = "--targets", description = "Targets file (default load/targets.json if present, else the copy in the tool).")
  Path targetsFile;

  @Option(names = "--skip", split = ",", description = "Runs or scenarios to leave out, such as leak,stability.")
  List<String> skip = List.of();

  @Option(names = "--peer-url", description = "A running Nchan's base URL for the comparison runs (default: start one).")
  URI peerUrl;

  @Option(names = "--skip-peers", description = "Leave the comparison with Nchan out (where Nchan is not installed).")
  boolean skipPeers;

  @Override
  public Integer call() throws Exception {
    // The runs write their JSON beside the report as they go, so the folder must exist first.
    java.nio.file.Files.createDirectories(out.toAbsolutePath().getParent());
    ReportWriter writer = new ReportWriter(out, Targets.load(targetsPath()));
    List<Outcome> outcomes = new ArrayList<>();
    List<String> scales = quick ? List.of("report")
        : scale == Scale.BOTH ? List.of("report", "large") : List.of(scale.name().toLowerCase(Locale.ROOT));
    try (Peers peers = new Peers(peerUrl, skipPeers, NCHAN_SCRIPT, writer.file("nchan"))) {
      for (String s : scales) {
        for (Suite.Run run : Suite.standard().runs()) {
          outcomes.add(run(run, s, writer, peers));
        }
      }
    }
    writer.write(facts(), outcomes);
    Progress.line("report: wrote %s", out.toAbsolutePath());
    JsonArray runs = new JsonArray();
    outcomes.forEach(o -> runs.add(new JsonObject().put("run", o.run()).put("scale", o.scale())
        .put("status", o.status()).put("seconds", Result.round(o.seconds()))));
    target.report(new Result("report").put("markdown", out.toAbsolutePath().toString()).put("runs", runs));
    return outcomes.stream().anyMatch(o -> !o.ran() && o.exitCode() >= 0) ? 1 : 0;
  }

  private Outcome run(Suite.Run run, String runScale, ReportWriter writer, Peers peers) throws Exception {
    String key = quick ? "quick" : runScale;
    CommandLine scenario = spec.root().subcommands().get(run.scenario());
    String why = run.args(key).isEmpty() ? "not part of the " + key + " suite"
        : scenario == null ? "no " + run.scenario() + " scenario in this build"
        : skip.contains(run.id()) || skip.contains(run.scenario()) ? "--skip" : null;
    List<String> args = new ArrayList<>(target.asArguments());
    if (why == null && run.peer()) {
      URI nchan = peers.nchan();
      if (nchan == null) {
        why = peers.whyNot();
      } else {
        args.addAll(List.of("--peer-url", nchan.toString()));
      }
    }
    if (why != null) {
      return Outcome.skipped(run.id(), run.scenario(), runScale, why);
    }
    List<String> dropped = new ArrayList<>();
    args.addAll(understood(scenario.getCommandSpec(), run.args(key).get(), dropped));
    if (!dropped.isEmpty()) {
      Progress.line("report: %s does not declare %s", run.scenario(), dropped);
      if (quick) {
        return Outcome.skipped(run.id(), run.scenario(), runScale, "not all its quick options are declared " + dropped);
      }
    }
    Path json = writer.file(runScale + "-" + run.id() + ".json");
    Files.deleteIfExists(json);
    args.addAll(List.of("--json", json.toString()));
    List<String> command = new ArrayList<>(List.of(run.scenario()));
    command.addAll(args);
    Progress.line("report: %s (%s scale%s): herald load %s", run.id(), runScale, quick ? ", quick" : "",
        String.join(" ", command));
    long start = System.nanoTime();
    int code;
    try (AutoCloseable ticker = Progress.every(15, () -> String.format(Locale.ROOT, "report: %s running, %.0f s",
        run.id(), (System.nanoTime() - start) / 1e9))) {
      code = new CommandLine(scenario.getCommandSpec().userObject().getClass())
          .setCaseInsensitiveEnumValuesAllowed(true).execute(args.toArray(String[]::new));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonObject results = Files.exists(json) ? Outcome.results(new JsonObject(Files.readString(json))) : null;
    Outcome outcome = new Outcome(run.id(), run.scenario(), runScale, command, code, results, seconds,
        code == 0 && results == null ? "no JSON result" : "");
    Progress.line("report: %s: %s in %.1f s", run.id(), outcome.status(), seconds);
    return outcome;
  }

  /** The option/value pairs of {@code args} that {@code scenario} declares; the others go to {@code dropped}. */
  static List<String> understood(CommandSpec scenario, List<String> args, List<String> dropped) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i + 1 < args.size(); i += 2) {
      (scenario.findOption(args.get(i)) != null ? kept : dropped).addAll(List.of(args.get(i), args.get(i + 1)));
    }
    return kept;
  }

  private List<String> facts() {
    Runtime rt = Runtime.getRuntime();
    List<String> notInSuite = new ArrayList<>(spec.root().subcommands().keySet());
    notInSuite.remove(spec.name());
    spec.root().subcommands().forEach((name, cmd) -> {
      if (cmd.getCommandSpec().usageMessage().hidden()) {
        notInSuite.remove(name);
      }
    });
    Suite.standard().runs().forEach(r -> notInSuite.remove(r.scenario()));
    return List.of(
        "date: " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME),
        String.format(Locale.ROOT, "load tool's machine: %s %s, %d cores, Java %s, max heap %d MB",
            System.getProperty("os.name"), System.getProperty("os.arch"), rt.availableProcessors(),
            System.getProperty("java.version"), rt.maxMemory() / 1048576),
        "nodes: " + target.urls + (target.publishUrl != null ? ", publishing to " + target.publishUrl : ""),
        "server heap: " + (target.serverPids.isEmpty() ? "read from /metrics without a GC (no --server-pid)"
            : "read after a full GC (jcmd PID GC.run for --server-pid " + target.serverPids + ")"),
        quick ? "scale: quick (seconds-long smoke runs: they say the tool works, not how fast Herald is)"
            : "scale: " + scale.name().toLowerCase(Locale.ROOT),
        "command: `herald load " + String.join(" ", spec.commandLine().getParseResult().originalArgs()) + "`",
        "targets: " + (targetsPath() != null ? targetsPath() : "the copy of load/targets.json in the tool"),
        "scenarios not in the suite: " + (notInSuite.isEmpty() ? "none" : String.join(", ", notInSuite)));
  }

  /** The targets file given, else load/targets.json if the tool runs from the repository, else null (the packed copy). */
  private Path targetsPath() {
    Path inRepo = Path.of("load", "targets.json");
    return targetsFile != null ? targetsFile : Files.exists(inRepo) ? inRepo : null;
  }
}
