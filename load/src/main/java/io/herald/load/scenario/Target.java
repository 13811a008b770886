package io.herald.load.scenario;

import io.herald.load.engine.Result;
import io.herald.load.engine.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Options every scenario shares: the nodes under test and where the JSON result goes. */
public final class Target {

  @Option(names = "--url", split = ",", description = "Node base URL(s); connections are spread round-robin (default http://127.0.0.1:8080).")
  List<URI> urls = List.of(URI.create("http://127.0.0.1:8080"));

  @Option(names = "--publish-url", description = "Node the publisher posts to (default: the first --url).")
  URI publishUrl;

  @Option(names = "--json", description = "Also write the result as JSON to this file.")
  Path json;

  @Option(names = "--event-loops", description = "Client event loops (default: CPU cores).")
  int eventLoops = Runtime.getRuntime().availableProcessors();

  @Option(names = "--server-pid", split = ",", paramLabel = "PID",
      description = "Process id(s) of the node JVM(s) on this machine: every server heap reading then follows a full GC"
          + " (jcmd PID GC.run; needs a JDK and the same user). Without it, heap is read as /metrics reports it,"
          + " garbage included.")
  List<Long> serverPids = List.of();

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  URI publishNode() {
    return publishUrl != null ? publishUrl : urls.get(0);
  }

  Vertx vertx() {
    return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
  }

  /** A scenario's measurement, given a Vert.x instance that is closed, with every client on it, afterwards. */
  interface Body {
    Result measure(Vertx vertx) throws Exception;
  }

  /** Runs {@code body} on a fresh Vert.x instance and reports its result; the exit code. */
  int run(Body body) throws Exception {
    for (long pid : serverPids) {
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
        throw new ParameterException(command.commandLine(), "--server-pid: no process " + pid + " runs on this machine");
      }
    }
    Vertx vertx = vertx();
    try {
      return report(body.measure(vertx));
    } finally {
      await(vertx.close(), 30);
    }
  }

  /** The nodes' /metrics, summed over every --url. */
  ServerMetrics metrics(Vertx vertx) {
    return new ServerMetrics(vertx, urls, serverPids);
  }

  /** A channel of this run's own, so no earlier run's messages count. */
  static String channel(String scenario) {
    return "load:" + scenario + ":" + System.currentTimeMillis();
  }

  /** These options as command-line arguments, to run another scenario against the same nodes. */
  List<String> asArguments() {
    List<String> args = new ArrayList<>(List.of("--url", String.join(",", urls.stream().map(URI::toString).toList()),
        "--event-loops", String.valueOf(eventLoops)));
    if (publishUrl != null) {
      args.addAll(List.of("--publish-url", publishUrl.toString()));
    }
    if (!serverPids.isEmpty()) {
      args.addAll(List.of("--server-pid", String.join(",", serverPids.stream().map(String::valueOf).toList())));
    }
    return args;
  }

  /** Waits for a scenario's future on the CLI thread, bounded. */
  static <T> T await(Future<T> future, long timeoutSeconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
  }

  /** Prints the terminal block and writes the JSON file if asked. */
  int report(Result result) throws IOException {
    System.out.print(result.toText());
    if (json != null) {
      Files.writeString(json, result.toJson().encodePrettily());
    }
    return 0;
  }
}
