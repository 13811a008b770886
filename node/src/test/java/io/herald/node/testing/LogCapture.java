package io.herald.node.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.herald.node.logging.NodeLogging;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures what the node logs, in the lines the node writes (NodeLogging's encoder, text or JSON), from its making
 * until {@link #close}: an appender of logback's root logger beside the console one, which still writes.
 */
public final class LogCapture implements AutoCloseable {

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
  /** Levels changed by {@link #level}, with what they were. */
  private final Map<Logger, Level> changed = new LinkedHashMap<>();

  /** Text lines, as log.format=text writes them. */
  public LogCapture() {
    this(false);
  }

  private LogCapture(boolean json) {
    appender.setContext(context);
    appender.setName("capture");
    appender.setEncoder(NodeLogging.encoder(context, json));
    appender.setOutputStream(captured);
    appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  /** JSON lines, as log.format=json writes them. */
  public static LogCapture json() {
    return new LogCapture(true);
  }

  /** Logs {@code logger} (and those below it) at {@code level} until {@link #close}. */
  public LogCapture level(String logger, Level level) {
    Logger l = context.getLogger(logger);
    changed.putIfAbsent(l, l.getLevel());
    l.setLevel(level);
    return this;
  }

  /** Every line logged so far (a text line's stack trace is lines of its own). */
  public List<String> lines() {
    String all;
    synchronized (captured) {
      all = captured.toString(StandardCharsets.UTF_8);
    }
    return Arrays.stream(all.split("\n")).filter(l -> !l.isEmpty()).toList();
  }

  /** The lines logged so far that contain {@code text}. */
  public List<String> lines(String text) {
    return lines().stream().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    appender.stop();
    changed.forEach(Logger::setLevel);
  }
}
