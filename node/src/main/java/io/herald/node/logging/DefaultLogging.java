package io.herald.node.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.util.Map;

/**
 * Logback's configuration until the node applies its {@code log.*} settings ({@link NodeLogging#configure}), and
 * for the CLI commands and tests: text at INFO on standard error, Netty and Hazelcast at WARN. Found by logback
 * through {@code META-INF/services}, ahead of its own search for logback.xml (which a file named by
 * {@code -Dlogback.configurationFile} still gets: then this steps aside).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(NodeLogging.LOGBACK_FILE) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    NodeLogging.install(context, false, "info", Map.of());
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
