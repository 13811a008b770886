package io.herald.core.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One documented configuration key: its name, type, default and meaning. The environment variable
 * is derived from the key ({@code ws.max_frame_bytes} -> {@code HERALD_WS_MAX_FRAME_BYTES}).
 */
public final class Setting<T> {

  private final String key;
  private final T defaultValue;
  private final String doc;
  private final Function<String, T> parser;
  private final Class<T> type;

  private Setting(String key, Class<T> type, T defaultValue, String doc, Function<String, T> parser) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.doc = doc;
    this.parser = parser;
  }

  static Setting<Integer> integer(String key, int defaultValue, String doc) {
    return new Setting<>(key, Integer.class, defaultValue, doc, s -> {
      long value = nonNegative(key, Long.parseLong(s.trim()));
      if (value > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(key + " is too large: " + value);
      }
      return (int) value;
    });
  }

  static Setting<Long> longValue(String key, long defaultValue, String doc) {
    return new Setting<>(key, Long.class, defaultValue, doc, s -> nonNegative(key, Long.parseLong(s.trim())));
  }

  static Setting<Boolean> bool(String key, boolean defaultValue, String doc) {
    return new Setting<>(key, Boolean.class, defaultValue, doc, s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(key + ": not a boolean: " + s);
    });
  }

  /** A share from 0 to 1 (a sampling ratio), written as a decimal number (0.25, 1, 1e-3; not NaN, 0x.., 1d). */
  static Setting<Double> ratio(String key, double defaultValue, String doc) {
    return new Setting<>(key, Double.class, defaultValue, doc, s -> {
      double value = new BigDecimal(s.trim()).doubleValue();
      if (!(value >= 0 && value <= 1)) {
        throw new IllegalArgumentException(key + " must be from 0 to 1: " + s.trim());
      }
      return value;
    });
  }

  static Setting<String> string(String key, String defaultValue, String doc) {
    return new Setting<>(key, String.class, defaultValue, doc, s -> s);
  }

  /** Text that {@code check} accepts (it may normalize it) or refuses with an IllegalArgumentException naming the key. */
  static Setting<String> string(String key, String defaultValue, String doc, UnaryOperator<String> check) {
    return new Setting<>(key, String.class, defaultValue, doc, check);
  }

  /** One of {@code choices} (lower case), given in any case, trimmed. */
  static Setting<String> choice(String key, String defaultValue, String doc, List<String> choices) {
    return new Setting<>(key, String.class, defaultValue, doc, s -> {
      String value = s.trim().toLowerCase(Locale.ROOT);
      if (!choices.contains(value)) {
        throw new IllegalArgumentException(key + ": \"" + s + "\" is not one of " + String.join(", ", choices));
      }
      return value;
    });
  }

  private static Long nonNegative(String key, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(key + " must not be negative: " + value);
    }
    return value;
  }

  public String key() {
    return key;
  }

  public String envName() {
    return "HERALD_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  /** Converts a value from a config file (JSON) or from text (environment, flags). */
  T convert(Object raw) {
    if (raw instanceof String s) {
      try {
        return parser.apply(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": not a number: " + s);
      }
    }
    // Parsed from the number's text, never narrowed: 1.5 or a value beyond the type's range is rejected.
    if ((type == Integer.class || type == Long.class || type == Double.class) && raw instanceof Number n) {
      try {
        return parser.apply(n.toString());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": not an integer: " + n);
      }
    }
    if (type.isInstance(raw)) {
      return type.cast(raw);
    }
    throw new IllegalArgumentException(key + ": expected " + type.getSimpleName() + ", got " + raw);
  }
}
