package io.herald.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Event-bus messages a node's handlers refused: a channel name that breaks {@link ChannelName}'s rules,
 * or a body or header that Herald's own nodes never send. In a cluster any member can put messages on
 * the bus, so each handler that takes a channel name (or a command) off the bus checks it and drops or
 * refuses what is wrong instead of storing it or handing it to subscribers. Counted per handler
 * ({@code herald_bus_rejected_total}) and logged at WARN on {@code io.herald.cluster}, at most one line a
 * second per handler, saying how many were left out; the log names the handler, the address and our own
 * reason, never the sender's text. Thread-safe.
 */
public final class BusRejections {

  /** The handlers that take requests or deliveries from other members. */
  public enum Handler { SEQUENCER, INBOX, COMMANDS }

  private static final Logger LOG = LoggerFactory.getLogger("io.herald.cluster");
  private static final long LOG_INTERVAL_MS = 1_000;
  private static final Handler[] HANDLERS = Handler.values();

  private final AtomicLongArray counts = new AtomicLongArray(HANDLERS.length);
  private final AtomicLongArray lastLogged = new AtomicLongArray(HANDLERS.length);
  private final AtomicLongArray leftOut = new AtomicLongArray(HANDLERS.length);

  /** Counts and (rate-limited) logs one refused message; {@code reason} is a constant of ours. */
  public void reject(Handler handler, String address, String reason) {
    int i = handler.ordinal();
    counts.incrementAndGet(i);
    long now = System.currentTimeMillis();
    long last = lastLogged.get(i);
    if (now - last >= LOG_INTERVAL_MS && lastLogged.compareAndSet(i, last, now)) {
      long skipped = leftOut.getAndSet(i, 0);
      LoggingEventBuilder line = LOG.atWarn().addKeyValue("handler", handler.name().toLowerCase())
          .addKeyValue("address", address).addKeyValue("reason", reason);
      (skipped > 0 ? line.addKeyValue("earlier_not_logged", skipped) : line).log("refused an event-bus message");
    } else {
      leftOut.incrementAndGet(i);
    }
  }

  public long count(Handler handler) {
    return counts.get(handler.ordinal());
  }

  /** A node name as it travels in watch requests: a member id, short and plain. */
  public static boolean isNodeId(String node) {
    return node != null && !node.isEmpty() && node.length() <= 128 && node.chars().allMatch(c -> c > ' ' && c < 127);
  }
}
