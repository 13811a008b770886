package io.herald.load.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs of the load tool, each running one hidden subcommand, driven over a line protocol: a child
 * prints {@value #READY} when it can start, waits for {@value #GO} on its stdin, prints {@value #RESULT} and
 * a JSON object when it has its figures, and holds what it opened until {@value #CLOSE} (or the end of its
 * stdin, so a child never outlives its parent for long). A child may take further commands between its first
 * {@value #RESULT} and {@value #CLOSE}, each answered with one {@value #RESULT} line ({@link #ask}; the fan-out
 * client's are in {@link RemoteAudience}). Other stdout lines are passed on to stderr, and a
 * child's stderr is the parent's. Each child's open-files limit is raised to the hard limit before it starts
 * (through {@code /bin/sh -c ulimit}), as every connection is an open file. Every wait is bounded;
 * {@link #close} ends the children, forcibly if they do not exit in time.
 */
public final class ClientProcesses implements AutoCloseable {

  public static final String READY = "READY";
  public static final String GO = "GO";
  public static final String RESULT = "RESULT";
  public static final String CLOSE = "CLOSE";

  /** How long a child may take to exit after {@value #CLOSE}. */
  private static final long EXIT_WITHIN_S = 30;

  /**
   * The JVM flags of a child: a bounded heap, a young generation large enough that no collection pauses a measured
   * ramp (see Ramp.open), and an exit rather than a limp on running out of it.
   */
  static final List<String> JVM_FLAGS = List.of("-Xmx2g", "-Xmn1g", "-XX:+ExitOnOutOfMemoryError");

  private final List<Child> children = new ArrayList<>();

  private ClientProcesses() {
  }

  /** Starts one child per entry of {@code argsPerChild}: {@code java <flags> -cp <this classpath> <mainClass> <args>}. */
  public static ClientProcesses start(String mainClass, List<List<String>> argsPerChild) throws IOException {
    ClientProcesses all = new ClientProcesses();
    try {
      for (int i = 0; i < argsPerChild.size(); i++) {
        all.children.add(new Child(i, command(mainClass, argsPerChild.get(i))));
      }
    } catch (IOException | RuntimeException e) {
      all.close();
      throw e;
    }
    return all;
  }

  /** The command line of a child, its open-files limit raised to the hard limit where a POSIX shell exists. */
  static List<String> command(String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/bin/sh"))) {
      cmd.addAll(List.of("/bin/sh", "-c", "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$@\"", "herald-load-child"));
    }
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(args);
    return cmd;
  }

  public int size() {
    return children.size();
  }

  /** Waits until every child has printed {@code word}; throws when one exits first or {@code withinMs} passes. */
  public void awaitAll(String word, long withinMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + withinMs;
    for (Child c : children) {
      c.next(word, deadline);
    }
  }

  /** Waits for every child's {@value #RESULT} line; the JSON text after the word, in child order. */
  public List<String> awaitResults(long withinMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + withinMs;
    List<String> results = new ArrayList<>();
    for (Child c : children) {
      results.add(c.next(RESULT, deadline).substring(RESULT.length()).trim());
    }
    return results;
  }

  /** Sends {@code command} to every child and waits for each one's {@value #RESULT} line; as {@link #awaitResults}. */
  public List<String> ask(String command, long withinMs) throws InterruptedException {
    tellAll(command);
    return awaitResults(withinMs);
  }

  /** The children's process ids (each child's shell execs its JVM, so these are the JVMs'). */
  public List<Long> pids() {
    return children.stream().map(c -> c.process.pid()).toList();
  }

  /** Sends {@code line} to every child's stdin. */
  public void tellAll(String line) {
    children.forEach(c -> c.tell(line));
  }

  /** Tells every child to close and waits for it to exit, bounded; ends those that do not. */
  @Override
  public void close() {
    children.forEach(c -> c.tell(CLOSE));
    long deadline = System.currentTimeMillis() + EXIT_WITHIN_S * 1000;
    for (Child c : children) {
      c.end(deadline);
    }
  }

  /** One child process and the protocol lines it has printed. */
  private static final class Child {
    private final int index;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Child(int index, List<String> command) throws IOException {
      this.index = index;
      this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Thread reader = new Thread(this::read, "client-process-" + index);
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.equals(READY) || line.startsWith(RESULT + " ")) {
            lines.add(line);
          } else {
            System.err.println("[client process " + index + "] " + line);
          }
        }
      } catch (IOException e) {
        // The child is gone; next() reports it.
      }
    }

    /** The next protocol line, which must start with {@code word}. */
    String next(String word, long deadline) throws InterruptedException {
      while (true) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          if (!line.startsWith(word)) {
            throw new IllegalStateException("client process " + index + " said " + line + " where " + word + " was due");
          }
          return line;
        }
        if (!process.isAlive() && lines.isEmpty()) {
          throw new IllegalStateException("client process " + index + " exited with " + process.exitValue()
              + " before " + word + " (its stderr is above)");
        }
        if (System.currentTimeMillis() >= deadline) {
          throw new IllegalStateException("client process " + index + " did not say " + word + " in time");
        }
      }
    }

    void tell(String line) {
      if (!process.isAlive()) {
        return;
      }
      try {
        OutputStream out = process.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        if (process.isAlive()) {
          throw new UncheckedIOException("cannot write to client process " + index, e);
        }
      }
    }

    void end(long deadline) {
      try {
        if (!process.waitFor(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
          System.err.println("[client process " + index + "] did not exit in time: ending it");
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
