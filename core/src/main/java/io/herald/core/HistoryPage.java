package io.herald.core;

import java.util.List;

/**
 * A slice of a channel's history, read atomically with the channel's position.
 *
 * @param epoch    the channel's current epoch
 * @param latest   offset of the channel's latest message (0 if none yet)
 * @param earliest offset of the oldest message history still holds ({@code latest + 1} when it holds none)
 * @param messages the requested messages, oldest first
 */
public record HistoryPage(String epoch, long latest, long earliest, List<Message> messages) {

  /** Whether every message after {@code (epoch, offset)} up to {@link #latest} is still in history. */
  public boolean covers(String epoch, long offset) {
    return this.epoch.equals(epoch) && offset <= latest && offset >= earliest - 1;
  }
}
