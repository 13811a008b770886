package io.herald.load.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time and resident memory of server processes on this machine, from {@code /proc}: how much a run cost the
 * node (or its peer), whichever runtime it is. Linux only; CPU ticks are taken as 10 ms (USER_HZ 100, as on every
 * Linux the tool runs on).
 */
public final class ProcessUsage {

  private static final long MS_PER_TICK = 10;

  /** The processes' CPU time (user + system) and resident memory, summed, at one moment. */
  public record Snapshot(long cpuMs, long rssBytes, long atNanos) {
  }

  private ProcessUsage() {
  }

  /**
   * The CPU the processes used between {@code before} and {@code after}, into {@code result}: {@code <prefix>cpu_ms},
   * {@code <prefix>cpu_pct_of_core} and {@code <prefix>cpu_us_per_<unit>} ({@code count} of them in that time).
   * Nothing when {@code before} is null (no processes to read).
   */
  public static Result report(Result result, String prefix, Snapshot before, Snapshot after, long count, String unit) {
    if (before == null) {
      return result;
    }
    long cpuMs = after.cpuMs() - before.cpuMs();
    double wallMs = Math.max(1, (after.atNanos() - before.atNanos()) / 1e6);
    return result.put(prefix + "cpu_ms", cpuMs)
        .put(prefix + "cpu_pct_of_core", Result.round(100.0 * cpuMs / wallMs))
        .put(prefix + "cpu_us_per_" + unit, Result.round(cpuMs * 1000.0 / Math.max(1, count)));
  }

  public static Snapshot of(List<Long> pids) {
    long cpu = 0;
    long rss = 0;
    for (long pid : pids) {
      cpu += cpuMs(pid);
      rss += rssBytes(pid);
    }
    return new Snapshot(cpu, rss, System.nanoTime());
  }

  static long cpuMs(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MS_PER_TICK;
  }

  static long rssBytes(long pid) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path + " (is the process still running?)", e);
    }
  }
}
