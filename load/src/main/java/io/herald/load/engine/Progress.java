package io.herald.load.engine;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Progress lines on stderr, so stdout keeps the figures alone. */
public final class Progress {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private Progress() {
  }

  public static void line(String format, Object... args) {
    System.err.println("[" + TIME.format(LocalTime.now()) + "] " + String.format(Locale.ROOT, format, args));
  }

  /** Prints {@code line} every {@code seconds} until closed, for work that says nothing while it runs. */
  public static AutoCloseable every(long seconds, Supplier<String> line) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(() -> line("%s", line.get()), seconds, seconds, TimeUnit.SECONDS);
    return timer::shutdownNow;
  }
}
