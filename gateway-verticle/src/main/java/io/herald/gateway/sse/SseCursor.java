package io.herald.gateway.sse;

import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.StreamPosition;

/**
 * Where an event stream stands on each of its channels: the {@code id:} of its events, and the
 * {@code Last-Event-ID} an {@code EventSource} sends back when it reconnects. Written as one {@code epoch:offset}
 * per channel of the stream, in the order of the request's {@code channel} parameters, separated by commas; an
 * entry is empty while its channel has no position yet. Clients treat it as opaque. Used on the stream's event loop.
 */
final class SseCursor {

  /** The longest epoch a cursor may carry (the server's are 16 characters). */
  private static final int MAX_EPOCH_CHARS = 64;

  private final String[] epochs;
  private final long[] offsets;

  SseCursor(int channels) {
    this.epochs = new String[channels];
    this.offsets = new long[channels];
  }

  /**
   * The positions {@code lastEventId} gives for a stream of {@code channels} channels: bad_request when it is not a
   * cursor of that many channels.
   */
  static SseCursor parse(String lastEventId, int channels) {
    String[] entries = lastEventId.split(",", -1);
    if (entries.length != channels) {
      throw new HeraldException(ErrorCode.BAD_REQUEST,
          "Last-Event-ID does not match the stream's channels: reconnect with the same channel parameters");
    }
    SseCursor cursor = new SseCursor(channels);
    for (int i = 0; i < channels; i++) {
      if (!entries[i].isEmpty()) {
        StreamPosition p = position(entries[i], "Last-Event-ID");
        cursor.set(i, p.epoch(), p.offset());
      }
    }
    return cursor;
  }

  /** An {@code epoch:offset} position ({@code what} names it in the error): bad_request when malformed. */
  static StreamPosition position(String text, String what) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon > MAX_EPOCH_CHARS || colon == text.length() - 1) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, what + " must be epoch:offset");
    }
    String epoch = text.substring(0, colon);
    for (int i = 0; i < epoch.length(); i++) {
      char c = epoch.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_') || c > 0x7f) {
        throw new HeraldException(ErrorCode.BAD_REQUEST, what + ": the epoch may hold letters, digits, - and _");
      }
    }
    long offset;
    try {
      offset = Long.parseLong(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, what + ": the offset must be a non-negative integer");
    }
    if (offset < 0) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, what + ": the offset must be a non-negative integer");
    }
    return new StreamPosition(epoch, offset);
  }

  /** Channel {@code i}'s position, or null while it has none. */
  StreamPosition get(int i) {
    return epochs[i] == null ? null : new StreamPosition(epochs[i], offsets[i]);
  }

  void set(int i, String epoch, long offset) {
    epochs[i] = epoch;
    offsets[i] = offset;
  }

  /** The cursor as an event's {@code id}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(epochs.length * 24);
    for (int i = 0; i < epochs.length; i++) {
      if (i > 0) {
        s.append(',');
      }
      if (epochs[i] != null) {
        s.append(epochs[i]).append(':').append(offsets[i]);
      }
    }
    return s.toString();
  }
}
