package io.herald.node.hostile;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Seeded generators of hostile input for the fuzz tests: requests that are almost right, truncated and
 * mutated JSON, deep nesting, huge numbers and strings, invalid UTF-8. The same seed gives the same
 * sequence, so a failure is replayed with {@code -Dherald.fuzz.seed=<seed>}.
 */
final class HostileInput {

  private static final String[] TYPES = {"subscribe", "unsubscribe", "publish", "history", "presence", "ping", "connect",
      "Subscribe", "", "nope"};
  private static final String[] CHANNELS = {"fuzz", "fuzz:a", "chat:room-1", "", "a b", "../etc", "x".repeat(256),
      "$private:x", "#user1", "é", "\u0000"};
  private static final String[] FIELDS = {"type", "id", "channel", "data", "since", "limit", "token", "client", "user",
      "channels", "epoch", "offset", "query", "__proto__"};

  private final Random random;

  HostileInput(long seed) {
    this.random = new Random(seed);
  }

  Random random() {
    return random;
  }

  int nextInt(int bound) {
    return random.nextInt(bound);
  }

  <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  /** A JSON value of any kind, up to {@code depth} levels, some of them absurd. */
  String value(int depth) {
    return switch (random.nextInt(depth <= 0 ? 8 : 11)) {
      case 0 -> "null";
      case 1 -> random.nextBoolean() ? "true" : "false";
      case 2 -> Long.toString(random.nextLong());
      case 3 -> hugeNumber();
      case 4 -> quoted(string(random.nextInt(20)));
      case 5 -> quoted(pick(CHANNELS));
      case 6 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
      case 7 -> quoted(escapes());
      case 8 -> "[" + String.join(",", java.util.stream.IntStream.range(0, random.nextInt(4)).mapToObj(i -> value(depth - 1)).toList()) + "]";
      default -> object(depth - 1);
    };
  }

  private String object(int depth) {
    StringBuilder b = new StringBuilder("{");
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(quoted(random.nextInt(3) == 0 ? string(4) : pick(FIELDS))).append(':').append(value(depth));
    }
    return b.append('}').toString();
  }

  String hugeNumber() {
    return switch (random.nextInt(6)) {
      case 0 -> "1e" + (300 + random.nextInt(1_000_000));
      case 1 -> "-" + "9".repeat(20 + random.nextInt(2_000));
      case 2 -> "9223372036854775808";
      case 3 -> "0." + "0".repeat(random.nextInt(5_000)) + "1";
      case 4 -> "-0";
      default -> "1" + "0".repeat(random.nextInt(400));
    };
  }

  /** A request of the /ws protocol with each field either right or wrong. */
  String request() {
    StringBuilder b = new StringBuilder("{\"type\":").append(quoted(pick(TYPES)));
    if (random.nextBoolean()) {
      b.append(",\"id\":").append(random.nextInt(4) == 0 ? value(1) : Integer.toString(random.nextInt(1_000)));
    }
    if (random.nextInt(4) != 0) {
      b.append(",\"channel\":").append(random.nextInt(4) == 0 ? value(1) : quoted(pick(CHANNELS)));
    }
    if (random.nextBoolean()) {
      b.append(",\"data\":").append(value(3));
    }
    if (random.nextInt(4) == 0) {
      b.append(",\"since\":").append(random.nextBoolean() ? value(2)
          : "{\"epoch\":" + value(0) + ",\"offset\":" + value(0) + "}");
    }
    if (random.nextInt(5) == 0) {
      b.append(",\"limit\":").append(value(0));
    }
    return b.append('}').toString();
  }

  /** {@code text} damaged: truncated, a span replaced, a byte flipped, a brace added, or duplicated. */
  String mutate(String text) {
    if (text.isEmpty()) {
      return "{";
    }
    int at = random.nextInt(text.length());
    return switch (random.nextInt(6)) {
      case 0 -> text.substring(0, at);
      case 1 -> text.substring(0, at) + string(random.nextInt(5)) + text.substring(Math.min(text.length(), at + random.nextInt(5)));
      case 2 -> text.substring(0, at) + (char) (text.charAt(at) ^ (1 << random.nextInt(7))) + text.substring(at + 1);
      case 3 -> text.substring(0, at) + pick(new String[] {"{", "}", "[", "]", "\"", ",", ":", "\\"}) + text.substring(at);
      case 4 -> text + text;
      default -> text.replace("\"type\"", random.nextBoolean() ? "\"type\",\"type\":1" : "\"Type\"");
    };
  }

  /** Arrays or objects nested {@code depth} deep. */
  String nested(int depth) {
    return random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
        : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  /** Random bytes, mostly not UTF-8. */
  byte[] bytes(int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  /** Valid UTF-8 text that is not ASCII: escapes, surrogates, controls. */
  private String escapes() {
    return pick(new String[] {"\\u0000", "\\ud800", "\\udfff\\ud800", "\\\\\\\"", "\\uZZZZ", "\u2028", "\uFEFF", "😀", "\\"});
  }

  String string(int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) (0x20 + random.nextInt(0x5F)));
    }
    return b.toString();
  }

  static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
