package io.herald.gateway.auth;

import io.herald.core.config.HeraldConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The API keys of the HTTP API: {@code api.key}, the comma list {@code api.keys}, and the lines of
 * {@code api.keys_file}, which is re-read every {@code api.keys_reload_ms} so keys rotate without a
 * restart (add the new key, move backends over, remove the old one). Thread-safe; one per node.
 */
public final class ApiKeys {

  private final List<byte[]> fixed;
  private final String file;
  private volatile List<byte[]> fromFile = List.of();
  private volatile String fileText;

  ApiKeys(HeraldConfig config) {
    List<byte[]> keys = new ArrayList<>();
    add(keys, config.get(HeraldConfig.API_KEY));
    for (String k : config.get(HeraldConfig.API_KEYS).split(",")) {
      add(keys, k);
    }
    this.fixed = List.copyOf(keys);
    this.file = config.get(HeraldConfig.API_KEYS_FILE);
    if (!file.isEmpty()) {
      try {
        update(Files.readString(Path.of(file)));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(HeraldConfig.API_KEYS_FILE.key() + ": cannot read " + file + ": " + e.getMessage());
      }
    }
  }

  /** Re-reads the key file every {@code periodMs}; a file that cannot be read keeps the keys last read. */
  void watch(Vertx vertx, long periodMs) {
    if (file.isEmpty() || periodMs <= 0) {
      return;
    }
    vertx.setPeriodic(periodMs, id -> vertx.fileSystem().readFile(file).onSuccess((Buffer b) -> update(b.toString(StandardCharsets.UTF_8))));
  }

  private synchronized void update(String text) {
    if (text.equals(fileText)) {
      return;
    }
    List<byte[]> keys = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (!trimmed.startsWith("#")) {
        add(keys, trimmed);
      }
    }
    fromFile = List.copyOf(keys);
    fileText = text;
  }

  private static void add(List<byte[]> keys, String key) {
    String k = key.trim();
    if (!k.isEmpty()) {
      keys.add(k.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Whether the HTTP API needs a key (a configured but empty key file still does: nothing is accepted). */
  public boolean required() {
    return !fixed.isEmpty() || !file.isEmpty();
  }

  /** Whether {@code presented} is one of the keys; every key is compared in constant time. */
  public boolean accepts(String presented) {
    byte[] p = presented.getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (byte[] k : fixed) {
      match |= MessageDigest.isEqual(p, k);
    }
    for (byte[] k : fromFile) {
      match |= MessageDigest.isEqual(p, k);
    }
    return match && p.length > 0;
  }
}
