package io.herald.node.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One log event as one line (log.format): {@code text}, {@code 2026-01-02T03:04:05.678Z WARN io.herald.auth - auth
 * failure protocol=ws client=...} (a stack trace on the lines after), or {@code json}, one object with
 * {@code timestamp}, {@code level}, {@code logger}, {@code message}, {@code node}, the event's key-values at the top
 * level and {@code exception}. Ours rather than logback's {@code JsonEncoder}, whose lines nest the key-values in a
 * list of one-entry objects, give the time in epoch milliseconds and carry the logger context, sequence numbers
 * and the thread (docs/architecture.md, Observability).
 */
public final class LineEncoder extends EncoderBase<ILoggingEvent> {

  /** Milliseconds always, UTC: lines sort as text and line up. */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  /** The JSON line's own fields: an event's key-value of one of these names goes in as {@code kv_<name>}. */
  private static final Set<String> FIELDS = Set.of("timestamp", "level", "logger", "message", "node", "exception");

  private final boolean json;
  private final Supplier<String> node;

  /**
   * @param json whether lines are JSON, else text
   * @param node the node id for JSON lines, null until it is known (then the field is left out)
   */
  public LineEncoder(boolean json, Supplier<String> node) {
    this.json = json;
    this.node = node;
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return ((json ? json(event) : text(event)) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  String json(ILoggingEvent event) {
    JsonObject line = new JsonObject()
        .put("timestamp", TIME.format(Instant.ofEpochMilli(event.getTimeStamp())))
        .put("level", event.getLevel().toString())
        .put("logger", event.getLoggerName())
        .put("message", event.getFormattedMessage());
    String id = node.get();
    if (id != null) {
      line.put("node", id);
    }
    for (KeyValuePair kv : keyValues(event)) {
      if (kv.value != null) {
        line.put(FIELDS.contains(kv.key) ? "kv_" + kv.key : kv.key, jsonValue(kv.value));
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.put("exception", ThrowableProxyUtil.asString(thrown));
    }
    return line.encode();
  }

  String text(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(128).append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())))
        .append(' ').append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
        .append(event.getFormattedMessage());
    for (KeyValuePair kv : keyValues(event)) {
      if (kv.value != null) {
        line.append(' ').append(kv.key).append('=');
        textValue(line, String.valueOf(kv.value));
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.append('\n').append(ThrowableProxyUtil.asString(thrown).stripTrailing());
    }
    return line.toString();
  }

  private static List<KeyValuePair> keyValues(ILoggingEvent event) {
    List<KeyValuePair> kvs = event.getKeyValuePairs();
    return kvs == null ? List.of() : kvs;
  }

  /** Text, booleans and whole numbers as they are (short ones as ints), anything else as its text. */
  private static Object jsonValue(Object value) {
    if (value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      return value;
    }
    return value instanceof Short || value instanceof Byte ? ((Number) value).intValue() : String.valueOf(value);
  }

  /** As is, or quoted (with {@code "} and {@code \} escaped) when empty or holding a space, a quote or {@code =}. */
  private static void textValue(StringBuilder line, String value) {
    boolean quote = value.isEmpty();
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c <= ' ' || c == '"' || c == '=' || c == '\\';
    }
    if (!quote) {
      line.append(value);
      return;
    }
    line.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        line.append('\\');
      }
      line.append(c);
    }
    line.append('"');
  }
}
