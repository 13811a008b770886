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

  /**
   * Whether every message after {@code (epoch, offset)} up to {@link #latest} is still in history. Offset 0 has
   * seen nothing of any epoch, so the whole current epoch continues it while history still starts at offset 1
   * (a client may hold the throwaway epoch of a read before the channel existed).
   */
  public boolean covers(String epoch, long offset) {
    if (offset == 0) {
      return earliest <= 1;
    }
    return this.epoch.equals(epoch) && offset <= latest && offset >= earliest - 1;
  }
}
