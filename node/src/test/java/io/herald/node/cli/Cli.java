package io.herald.node.cli;

import io.herald.node.Main;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
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

  static Ran heraldWithin(long seconds, String... args) throws Exception {
    return CompletableFuture.supplyAsync(() -> herald(args)).get(seconds, TimeUnit.SECONDS);
  }

  /** Starts a command in another thread; what it prints on stderr can be awaited while it runs. */
  static Running start(String... args) {
    return new Running(args);
  }

  /** A command running in another thread. */
  static final class Running {
    private final StringWriter out = new StringWriter();
    private final Stderr err = new Stderr();
    private final CompletableFuture<Ran> done;

    private Running(String[] args) {
      CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
      done = CompletableFuture.supplyAsync(() -> {
        int code = cli.execute(args);
        return new Ran(code, out.toString(), err.text());
      });
    }

    /** Waits until stderr holds {@code text} at least {@code times} times (or the command ended, or 20 s passed). */
    void awaitErr(String text, int times) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      synchronized (err) {
        while (occurrences(err.text(), text) < times) {
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (done.isDone() || left <= 0) {
            throw new AssertionError("stderr did not show '" + text + "' " + times + " time(s):\n" + err.text());
          }
          err.wait(Math.min(left, 500)); // woken by every write; the bound re-checks done
        }
      }
    }

    Ran result(long seconds) throws Exception {
      return done.get(seconds, TimeUnit.SECONDS);
    }

    private static int occurrences(String in, String text) {
      int n = 0;
      for (int at = in.indexOf(text); at >= 0; at = in.indexOf(text, at + text.length())) {
        n++;
      }
      return n;
    }
  }

  /** stderr as text, waking whoever waits on it at each write. */
  private static final class Stderr extends Writer {
    private final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void write(char[] chars, int offset, int length) {
      text.append(chars, offset, length);
      notifyAll();
    }

    synchronized String text() {
      return text.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  }

  static String url(NodeExtension node) {
    return "http://127.0.0.1:" + node.port();
  }
}
