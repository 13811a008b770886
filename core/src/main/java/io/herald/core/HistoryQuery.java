package io.herald.core;

/**
 * What to read from a channel's history.
 *
 * @param channel     the channel
 * @param afterOffset return messages with a greater offset, or {@link #LATEST} for the newest {@code limit}
 * @param limit       at most this many messages
 */
public record HistoryQuery(String channel, long afterOffset, int limit) {

  public static final long LATEST = -1;

  public static HistoryQuery latest(String channel, int limit) {
    return new HistoryQuery(channel, LATEST, limit);
  }
}
