package io.herald.gateway.auth;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.limits.LimitEvents;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger("io.herald.auth");

  private final List<byte[]> fixed;
  private final String file;
  private volatile List<byte[]> fromFile = List.of();
  private volatile String fileText;
  /** Whether the last reload failed (so an outage is logged once, not every period). */
  private volatile boolean unreadable;
  private final LimitEvents log;

  ApiKeys(HeraldConfig config, LimitEvents log) {
    this.log = log;
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

  /**
   * Re-reads the key file every {@code periodMs}. Fails closed: a file that cannot be read (deleted, a
   * permission changed, mid-rename) keeps the keys last read, never "no keys, API open"; said once per outage.
   */
  void watch(Vertx vertx, long periodMs) {
    if (file.isEmpty() || periodMs <= 0) {
      return;
    }
    vertx.setPeriodic(periodMs, id -> vertx.fileSystem().readFile(file).onComplete(ar -> {
      if (ar.succeeded()) {
        unreadable = false;
        update(ar.result().toString(StandardCharsets.UTF_8));
      } else if (!unreadable) {
        unreadable = true;
        LOG.atWarn().addKeyValue("file", file).addKeyValue("reason", ar.cause().getMessage())
            .addKeyValue("keys", fromFile.size())
            .log("{}: cannot read; keeping the keys last read", HeraldConfig.API_KEYS_FILE.key());
      }
    }));
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

  /** Logs a refused API key (rate-limited with the limit events; never the key). */
  public void logRefused(String ip, String origin, String reason) {
    log.authFailure("http", null, null, ip, origin, reason);
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
