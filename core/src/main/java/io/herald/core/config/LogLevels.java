package io.herald.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The levels of the {@code log.*} settings: {@code log.level} is one of {@link #NAMES}; {@code log.levels} gives
 * loggers (a package or a class: the logger and those below it) their own, comma-separated {@code logger=level}
 * ({@code io.herald.limits=warn,com.hazelcast=info}). The node applies them (node/.../logging/NodeLogging).
 */
public final class LogLevels {

  /** The levels, most verbose first; {@code off} silences a logger. */
  public static final List<String> NAMES = List.of("trace", "debug", "info", "warn", "error", "off");
  private static final Pattern LOGGER = Pattern.compile("[A-Za-z0-9_$.-]+");

  private LogLevels() {
  }

  /**
   * {@code log.levels} as loggers to levels, in the order given (a later entry for the same logger wins).
   *
   * @throws IllegalArgumentException naming the setting and the entry that is not {@code logger=level} with a known level
   */
  public static Map<String, String> perLogger(String spec) {
    String key = HeraldConfig.LOG_LEVELS.key();
    Map<String, String> levels = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String logger = eq < 0 ? "" : entry.substring(0, eq).trim();
      if (!LOGGER.matcher(logger).matches()) {
        throw new IllegalArgumentException(key + ": \"" + entry.trim() + "\" is not logger=level (e.g. io.herald.limits=warn)");
      }
      String level = entry.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
      if (!NAMES.contains(level)) {
        throw new IllegalArgumentException(key + ": " + logger + ": \"" + entry.substring(eq + 1).trim()
            + "\" is not one of " + String.join(", ", NAMES));
      }
      levels.put(logger, level);
    }
    return levels;
  }

  /** {@code log.levels} checked, trimmed: what the setting holds. */
  static String check(String spec) {
    perLogger(spec);
    return spec.trim();
  }
}
