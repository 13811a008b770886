package io.herald.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The shape of a log line in either format (docs/configuration.md, Logs). */
class LineEncoderTest {

  /** 2026-01-02T03:04:05.678Z */
  private static final long TIME = 1_767_323_045_678L;

  private final LoggerContext context = new LoggerContext();
  private final AtomicReference<String> node = new AtomicReference<>();

  private LoggingEvent event(Level level, String message, Throwable thrown, Object... keyValues) {
    Logger logger = context.getLogger("io.herald.limits");
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, null);
    event.setTimeStamp(TIME);
    for (int i = 0; i < keyValues.length; i += 2) {
      event.addKeyValuePair(new KeyValuePair((String) keyValues[i], keyValues[i + 1]));
    }
    return event;
  }

  private String text(LoggingEvent event) {
    return new LineEncoder(false, node::get).text(event);
  }

  private JsonObject json(LoggingEvent event) {
    String line = new String(new LineEncoder(true, node::get).encode(event), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(line).endsWith("\n").doesNotContain("\r").hasLineCount(1);
    return new JsonObject(line);
  }

  @Test
  void textIsTimeLevelLoggerMessageThenTheFields() {
    assertThat(text(event(Level.WARN, "limit triggered", null, "limit", "origin", "answer", "HTTP 403", "client", "c1",
        "channel", "chat", "empty", "", "absent", null, "quote", "a\"b\\c", "eq", "a=b", "count", 3)))
        .isEqualTo("2026-01-02T03:04:05.678Z WARN io.herald.limits - limit triggered limit=origin answer=\"HTTP 403\""
            + " client=c1 channel=chat empty=\"\" quote=\"a\\\"b\\\\c\" eq=\"a=b\" count=3");
  }

  @Test
  void aTextLineWithAnExceptionHasItsStackTraceOnTheLinesAfter() {
    String line = text(event(Level.ERROR, "failed", new IllegalStateException("boom")));

    assertThat(line.lines().findFirst().orElseThrow()).isEqualTo("2026-01-02T03:04:05.678Z ERROR io.herald.limits - failed");
    assertThat(line).contains("\njava.lang.IllegalStateException: boom\n\tat ").doesNotEndWith("\n");
  }

  @Test
  void jsonHasTheLinesFieldsThenTheEventsAtTheTopLevel() {
    node.set("node-1");
    JsonObject line = json(event(Level.WARN, "limit triggered", null, "client", "c1", "channel", "chat", "code", (short) 4001,
        "absent", null, "count", 3L, "flag", true, "other", new StringBuilder("sb")));

    assertThat(line.fieldNames()).containsExactly("timestamp", "level", "logger", "message", "node", "client", "channel",
        "code", "count", "flag", "other");
    assertThat(line.getString("timestamp")).isEqualTo("2026-01-02T03:04:05.678Z");
    assertThat(line.getString("level")).isEqualTo("WARN");
    assertThat(line.getString("logger")).isEqualTo("io.herald.limits");
    assertThat(line.getString("message")).isEqualTo("limit triggered");
    assertThat(line.getString("node")).isEqualTo("node-1");
    assertThat(line.getValue("code")).isEqualTo(4001);
    assertThat(line.getValue("count")).isEqualTo(3);
    assertThat(line.getBoolean("flag")).isTrue();
    assertThat(line.getString("other")).isEqualTo("sb");
  }

  @Test
  void jsonWithoutANodeIdYetLeavesItOut() {
    assertThat(json(event(Level.INFO, "starting", null)).containsKey("node")).isFalse();
  }

  @Test
  void jsonFieldsNamedLikeTheLinesOwnArePrefixed() {
    node.set("n");
    JsonObject line = json(event(Level.INFO, "m", null, "message", "mine", "node", "other"));

    assertThat(line.getString("message")).isEqualTo("m");
    assertThat(line.getString("kv_message")).isEqualTo("mine");
    assertThat(line.getString("node")).isEqualTo("n");
    assertThat(line.getString("kv_node")).isEqualTo("other");
  }

  @Test
  void jsonHasTheStackTraceAsOneField() {
    JsonObject line = json(event(Level.ERROR, "failed {}", new IllegalStateException("boom\nsecond line")));

    assertThat(line.getString("exception")).startsWith("java.lang.IllegalStateException: boom\nsecond line\n\tat ");
  }

  @Test
  void forgedLinesStayInsideTheirField() {
    JsonObject line = json(event(Level.WARN, "auth failure", null, "origin", "x\n{\"level\":\"ERROR\"}"));

    assertThat(line.getString("origin")).isEqualTo("x\n{\"level\":\"ERROR\"}");
  }
}
