package io.herald.node.cluster;

import io.herald.node.testing.Commands;
import io.herald.node.testing.RequiredTools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of {@code scripts/netns-cluster.sh}, the single source of truth for the test network: a bridge and a
 * network namespace per member ({@code hf<run>-n<i>}, address 10.213.S.i), and the faults injected into it. The run is
 * named after this JVM ({@code j<pid><letter>}), so a later JVM can tell a leftover of a dead one from a run of a live
 * one; {@link #up} removes the dead ones' first, and the run goes down on {@link #close} or, should the JVM exit
 * first, from a shutdown hook ({@code down} also kills what still runs in the run's namespaces). Root only: see
 * {@link RequiredTools.Tool#NETNS}.
 */
final class NetnsNetwork implements AutoCloseable {

  /** A run of this harness: the test JVM's pid and a letter. */
  private static final Pattern OWN_RUN = Pattern.compile("j(\\d{1,7})[a-z]");
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final long SCRIPT_TIMEOUT_S = 60;

  final String run;
  private final Thread downOnExit;
  private boolean down;

  private NetnsNetwork(String run) {
    this.run = run;
    this.downOnExit = new Thread(() -> script("down", run), "netns-" + run + "-down");
  }

  /** Makes a run of {@code members} namespaces (at most 9), after taking down the leftovers of dead test JVMs. */
  static NetnsNetwork up(int members) {
    removeLeftovers();
    NetnsNetwork network = new NetnsNetwork("j" + ProcessHandle.current().pid() + (char) ('a' + RUNS.getAndIncrement() % 26));
    Runtime.getRuntime().addShutdownHook(network.downOnExit);
    script("up", network.run, Integer.toString(members));
    return network;
  }

  /** Takes down every run of this naming scheme whose JVM is gone. */
  private static void removeLeftovers() {
    for (String run : script("list").lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
      Matcher own = OWN_RUN.matcher(run);
      if (own.matches() && ProcessHandle.of(Long.parseLong(own.group(1))).map(p -> !p.isAlive()).orElse(true)) {
        System.out.println("netns: removing run " + run + ", left over by a test JVM that is gone");
        script("down", run);
      }
    }
  }

  /** Member {@code i}'s address (1-based); 0: the bridge's, the address the tests' clients come from. */
  String address(int member) {
    return script("addr", run, Integer.toString(member)).strip();
  }

  /** The namespace of member {@code i}. */
  String namespace(int member) {
    return "hf" + run + "-n" + member;
  }

  /** The command that runs {@code command} inside member {@code i}'s namespace (exec: its pid is the command's). */
  List<String> inMember(int member, List<String> command) {
    List<String> full = new ArrayList<>(List.of(RequiredTools.NETNS_SCRIPT.toString(), "exec", run, Integer.toString(member)));
    full.addAll(command);
    return full;
  }

  /** Each side drops what comes from, and goes to, the other side's members. */
  void partition(List<Integer> one, List<Integer> other) {
    script("partition", run, members(one), members(other));
  }

  /** Member {@code member} drops what it receives from {@code from}; {@code from} still hears {@code member}. */
  void dropFrom(int member, int from) {
    script("drop-from", run, Integer.toString(member), Integer.toString(from));
  }

  /** Removes every partition and one-way drop. */
  void heal() {
    script("heal", run);
  }

  /** tc netem {@code spec} on member {@code i}'s interface; false where the kernel has no netem (nothing changed). */
  boolean netem(int member, String spec) {
    Commands.Run result = run(List.of("netem", run, Integer.toString(member), spec));
    if (result.exitCode() == 3) {
      return false;
    }
    check(result, "netem");
    return true;
  }

  /**
   * What member {@code i} receives waits {@code ms} ± {@code jitterMs} (uniform) in a user-space delayer (iptables
   * NFQUEUE and scripts/nfqueue-delay.py), for kernels without netem: every round trip through the member takes
   * {@code ms} longer. False where it cannot run here (no python3, or no NFQUEUE; nothing changed).
   */
  boolean delay(int member, int ms, int jitterMs) {
    Commands.Run result = run(List.of("delay", run, Integer.toString(member), Integer.toString(ms),
        Integer.toString(jitterMs)));
    if (result.exitCode() == 3) {
      return false;
    }
    check(result, "delay");
    return true;
  }

  /** Member {@code i} drops {@code percent} % of what it sends, at random (iptables: any kernel). */
  void loss(int member, double percent) {
    script("loss", run, Integer.toString(member), Double.toString(percent));
  }

  /** Removes netem, loss and delay from member {@code i} (stopping its delayer). */
  void clearNetem(int member) {
    script("netem-clear", run, Integer.toString(member));
  }

  /** Sends {@code signal} (STOP, CONT, ...) to {@code pid}, which must be a process in member {@code i}'s namespace. */
  void signal(int member, long pid, String signal) {
    script("signal", run, Integer.toString(member), Long.toString(pid), signal);
  }

  @Override
  public void close() {
    if (!down) {
      down = true;
      script("down", run);
      try {
        Runtime.getRuntime().removeShutdownHook(downOnExit);
      } catch (IllegalStateException exiting) {
        // the hook runs anyway; down is idempotent
      }
    }
  }

  private static String members(List<Integer> members) {
    return String.join(" ", members.stream().map(String::valueOf).toList());
  }

  /** Runs the script with {@code args}; fails with its output unless it exits 0. */
  private static String script(String... args) {
    Commands.Run result = run(List.of(args));
    check(result, args[0]);
    return result.output();
  }

  private static void check(Commands.Run result, String command) {
    if (result.exitCode() != 0) {
      throw new AssertionError("netns-cluster.sh " + command + " exited " + result.exitCode() + ": " + result.output());
    }
  }

  private static Commands.Run run(List<String> args) {
    List<String> command = new ArrayList<>(List.of(RequiredTools.NETNS_SCRIPT.toString()));
    command.addAll(args);
    try {
      return Commands.run(command, RequiredTools.NETNS_SCRIPT.getParent(), Map.of(), SCRIPT_TIMEOUT_S);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + command, e);
    }
  }
}
