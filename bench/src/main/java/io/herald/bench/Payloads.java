package io.herald.bench;

import io.vertx.core.buffer.Buffer;

/** The {@code data} the benchmarks carry: JSON a publisher might send, of a given size. */
public final class Payloads {

  private Payloads() {
  }

  /** A JSON object of exactly {@code bytes} bytes (at least 12): {@code {"text":"xxx..."}}. */
  public static Buffer data(int bytes) {
    String head = "{\"text\":\"";
    String tail = "\"}";
    int fill = bytes - head.length() - tail.length();
    if (fill < 1) {
      throw new IllegalArgumentException("too small for the JSON around it: " + bytes);
    }
    return Buffer.buffer(head + "x".repeat(fill) + tail);
  }
}
