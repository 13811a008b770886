package io.herald.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.herald.core.config.HeraldConfig;
import io.herald.core.config.LogLevels;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The node's logging, on logback, from the {@code log.*} settings (docs/configuration.md, Logs): one line an
 * event on standard error, text or JSON ({@link LineEncoder}), the root at {@code log.level}, Netty and Hazelcast at
 * WARN, then {@code log.levels}. {@code Main} applies it before the node starts; until then, and for the CLI
 * commands, {@link DefaultLogging}'s text at INFO holds. The node id is the only context of a line that is
 * process-wide; a connection's fields are key-values of the event (an event loop serves many connections).
 */
public final class NodeLogging {

  /** The system property of logback's own configuration file: whoever sets it configures logging themselves. */
  static final String LOGBACK_FILE = "logback.configurationFile";

  private static volatile String nodeId;

  private NodeLogging() {
  }

  /**
   * Configures logging from {@code config}'s {@code log.*} settings (already checked by {@link HeraldConfig}), with
   * {@code node.id} as the lines' node when it is set (else the node gives its id once it has one). Leaves the
   * configuration alone under another SLF4J backend, or when {@code -Dlogback.configurationFile} names a file of the
   * operator's.
   */
  public static void configure(HeraldConfig config) {
    if (!config.get(HeraldConfig.NODE_ID).isEmpty()) {
      nodeId(config.get(HeraldConfig.NODE_ID)); // known before Hazelcast's first lines (on Kubernetes, the pod's name)
    }
    if (System.getProperty(LOGBACK_FILE) == null && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.reset();
      install(context, config.get(HeraldConfig.LOG_FORMAT).equals("json"), config.get(HeraldConfig.LOG_LEVEL),
          LogLevels.perLogger(config.get(HeraldConfig.LOG_LEVELS)));
    }
  }

  /** Sets {@code context} up from scratch: the console appender, the root's level, the defaults, then {@code levels}. */
  static void install(LoggerContext context, boolean json, String level, Map<String, String> levels) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder(context, json));
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(console);
    root.setLevel(Level.toLevel(level));
    // As they were under slf4j-simple: both are chatty at INFO (Hazelcast's join and partition tables).
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("com.hazelcast").setLevel(Level.WARN);
    levels.forEach((name, l) -> context.getLogger(name).setLevel(Level.toLevel(l)));
  }

  /** The encoder of the node's lines, started; JSON lines carry the node id once {@link #nodeId(String)} gave it. */
  public static LineEncoder encoder(LoggerContext context, boolean json) {
    LineEncoder encoder = new LineEncoder(json, () -> nodeId);
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  /** The id of the node this process runs, in every JSON line from now on (the last node started, if several). */
  public static void nodeId(String id) {
    nodeId = id;
  }
}
