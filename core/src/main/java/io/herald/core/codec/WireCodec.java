package io.herald.core.codec;

import io.herald.core.PublishStamp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;

/**
 * Base of Herald's event-bus codecs: immutable values pass through a local bus untouched
 * ({@link #transform} returns the same instance); across nodes they travel as compact bytes.
 * Each codec writes a length prefix so several values can share one buffer.
 */
public abstract class WireCodec<T> implements MessageCodec<T, T> {

  private final String name;

  protected WireCodec(Class<T> type) {
    this.name = "herald." + type.getSimpleName();
  }

  /** Writes {@code value}'s fields to {@code out}. */
  protected abstract void write(Buffer out, T value);

  /** Reads a value written by {@link #write}, starting at {@code in}'s cursor. */
  protected abstract T read(Reader in);

  @Override
  public final void encodeToWire(Buffer buffer, T value) {
    int lengthAt = buffer.length();
    buffer.appendInt(0);
    write(buffer, value);
    buffer.setInt(lengthAt, buffer.length() - lengthAt - 4);
  }

  @Override
  public final T decodeFromWire(int pos, Buffer buffer) {
    return read(new Reader(buffer, pos + 4));
  }

  @Override
  public final T transform(T value) {
    return value;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final byte systemCodecID() {
    return -1;
  }

  /** Appends a nullable UTF-8 string with an int length prefix (-1 for null). */
  protected static void writeString(Buffer out, String s) {
    if (s == null) {
      out.appendInt(-1);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.appendInt(bytes.length).appendBytes(bytes);
  }

  protected static void writeBuffer(Buffer out, Buffer b) {
    out.appendInt(b.length()).appendBuffer(b);
  }

  /** Appends a nullable {@link PublishStamp}: a presence byte, then its two longs. */
  protected static void writeStamp(Buffer out, PublishStamp stamp) {
    if (stamp == null) {
      out.appendByte((byte) 0);
    } else {
      out.appendByte((byte) 1).appendLong(stamp.micros()).appendLong(stamp.origin());
    }
  }

  protected static PublishStamp readStamp(Reader in) {
    return in.readByte() == 0 ? null : new PublishStamp(in.readLong(), in.readLong());
  }

  /** A cursor over a buffer being decoded. */
  protected static final class Reader {
    private final Buffer buffer;
    private int pos;

    Reader(Buffer buffer, int pos) {
      this.buffer = buffer;
      this.pos = pos;
    }

    public byte readByte() {
      return buffer.getByte(pos++);
    }

    public int readInt() {
      int v = buffer.getInt(pos);
      pos += 4;
      return v;
    }

    public long readLong() {
      long v = buffer.getLong(pos);
      pos += 8;
      return v;
    }

    public String readString() {
      int length = readInt();
      if (length < 0) {
        return null;
      }
      String s = buffer.getString(pos, pos + length, "UTF-8");
      pos += length;
      return s;
    }

    /** Bytes left to read. */
    public int remaining() {
      return buffer.length() - pos;
    }

    public Buffer readBuffer() {
      int length = readInt();
      Buffer b = buffer.getBuffer(pos, pos + length);
      pos += length;
      return b;
    }
  }
}
