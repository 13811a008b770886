package io.herald.core;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One sequenced message of a channel. {@code data} holds the publisher's JSON exactly as received
 * (the server never inspects it), so it is never parsed or re-encoded on the way to subscribers.
 * Immutable; the WebSocket frame is encoded at most once per node and shared by every subscriber.
 */
public final class Message {

  private final String channel;
  private final String epoch;
  private final long offset;
  /** Sequencing time, epoch milliseconds: the {@code ts} clients see. */
  private final long ts;
  /** The microseconds within {@link #ts}'s millisecond (0-999), for the node's latency histograms. */
  private final int tsMicrosOfMilli;
  private final Buffer data;
  /** Where and when its publish was accepted; null when not known (a message read from history). */
  private final PublishStamp stamp;
  /** The {@code message} frame, encoded on first use; a race encodes it twice, harmlessly. */
  private volatile Buffer frame;

  /** A message sequenced at {@code ts} (epoch milliseconds), without a publish stamp: as history holds it. */
  public Message(String channel, String epoch, long offset, long ts, Buffer data) {
    this(channel, epoch, offset, ts, 0, data, null);
  }

  private Message(String channel, String epoch, long offset, long ts, int tsMicrosOfMilli, Buffer data, PublishStamp stamp) {
    this.channel = Objects.requireNonNull(channel);
    this.epoch = Objects.requireNonNull(epoch);
    this.offset = offset;
    this.ts = ts;
    this.tsMicrosOfMilli = tsMicrosOfMilli;
    this.data = Objects.requireNonNull(data);
    this.stamp = stamp;
  }

  /**
   * A message as its sequencer sends it to the watching nodes: sequenced at {@code tsMicros} (epoch microseconds),
   * with its publish's {@code stamp} (null: none), from which the nodes time its delivery.
   */
  public static Message sequenced(String channel, String epoch, long offset, long tsMicros, Buffer data, PublishStamp stamp) {
    return new Message(channel, epoch, offset, Math.floorDiv(tsMicros, 1_000), (int) Math.floorMod(tsMicros, 1_000L), data,
        stamp);
  }

  public String channel() {
    return channel;
  }

  public String epoch() {
    return epoch;
  }

  public long offset() {
    return offset;
  }

  /** Publish time (when the sequencer ordered it), epoch milliseconds: the {@code ts} clients see. */
  public long ts() {
    return ts;
  }

  /** {@link #ts()} in epoch microseconds, for the node's latency histograms. */
  public long tsMicros() {
    return ts * 1_000 + tsMicrosOfMilli;
  }

  /** When and where its publish was accepted; null when not known (history, or a publish that bypassed the gateway). */
  public PublishStamp stamp() {
    return stamp;
  }

  /** The raw JSON of {@code data}, byte for byte as the publisher sent it. */
  public Buffer data() {
    return data;
  }

  /** The {@code {"type":"message",...}} text frame for /ws clients. */
  public Buffer frame() {
    Buffer f = frame;
    if (f == null) {
      f = Buffer.buffer(data.length() + channel.length() + epoch.length() + 96);
      f.appendString("{\"type\":\"message\",");
      appendFields(f);
      f.appendByte((byte) '}');
      frame = f;
    }
    return f;
  }

  /**
   * The {@code message} frame of a conflated delivery (namespace option {@code max_rate}): {@link #frame()} with
   * {@code "skipped": n}, the messages of the channel before this one that the subscriber did not get. Encoded for
   * each such delivery; {@code skipped} 0 is the shared frame.
   */
  public Buffer frame(long skipped) {
    if (skipped == 0) {
      return frame();
    }
    Buffer shared = frame();
    return Buffer.buffer(shared.length() + 24).appendBuffer(shared, 0, shared.length() - 1)
        .appendString(",\"skipped\":").appendString(Long.toString(skipped)).appendByte((byte) '}');
  }

  /** Appends this message as a JSON object ({@code channel, epoch, offset, data, ts}). */
  public Buffer appendJson(Buffer out) {
    out.appendByte((byte) '{');
    appendFields(out);
    return out.appendByte((byte) '}');
  }

  // Channel names and epochs use only characters that need no JSON escaping (see ChannelName, RandomIds).
  private void appendFields(Buffer out) {
    out.appendString("\"channel\":\"").appendString(channel)
        .appendString("\",\"epoch\":\"").appendString(epoch)
        .appendString("\",\"offset\":").appendString(Long.toString(offset))
        .appendString(",\"data\":").appendBuffer(data)
        .appendString(",\"ts\":").appendString(Long.toString(ts));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m && offset == m.offset && ts == m.ts && channel.equals(m.channel)
        && epoch.equals(m.epoch) && data.equals(m.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(channel, epoch, offset);
  }

  @Override
  public String toString() {
    return channel + "@" + epoch + ":" + offset + " " + data.toString(StandardCharsets.UTF_8);
  }
}
