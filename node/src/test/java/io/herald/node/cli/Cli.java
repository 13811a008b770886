package io.herald.node.cli;

import io.herald.node.Main;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code herald} commands as {@code ./herald} runs them (picocli over {@link Main}), in this JVM. */
final class Cli {

  private Cli() {
  }

  /** What a command printed and its exit code. */
  record Ran(int exitCode, String out, String err) {
    List<JsonObject> lines() {
      return out.lines().map(JsonObject::new).toList();
    }
  }

  static Ran herald(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Ran(code, out.toString(), err.toString());
  }

  static CompletableFuture<Ran> start(String... args) {
    return CompletableFuture.supplyAsync(() -> herald(args));
  }

  static Ran heraldWithin(long seconds, String... args) throws Exception {
    return start(args).get(seconds, TimeUnit.SECONDS);
  }

  static String url(NodeExtension node) {
    return "http://127.0.0.1:" + node.port();
  }
}
