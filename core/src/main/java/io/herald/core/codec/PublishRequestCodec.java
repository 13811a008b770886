package io.herald.core.codec;

import io.herald.core.PublishRequest;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

public final class PublishRequestCodec extends WireCodec<PublishRequest> {

  public PublishRequestCodec() {
    super(PublishRequest.class);
  }

  @Override
  protected void write(Buffer out, PublishRequest r) {
    writeRequest(out, r);
  }

  @Override
  protected PublishRequest read(Reader in) {
    return readRequest(in);
  }

  /** Writes one request (also as part of a {@link io.herald.core.PublishBatch}). */
  static void writeRequest(Buffer out, PublishRequest r) {
    writeString(out, r.channel());
    out.appendInt(r.data().size());
    r.data().forEach(d -> writeBuffer(out, d));
    if (r.keys() == null) {
      out.appendInt(-1);
    } else {
      out.appendInt(r.keys().size());
      r.keys().forEach(k -> writeString(out, k));
    }
    writeStamp(out, r.stamp());
  }

  /** Reads what {@link #writeRequest} wrote. */
  static PublishRequest readRequest(Reader in) {
    String channel = in.readString();
    int count = in.readInt();
    // Each message takes at least its 4-byte length: a count the bytes cannot hold is refused before any allocation.
    if (count < 0 || count > in.remaining() / 4) {
      throw new IllegalArgumentException("a publish request of " + count + " messages in " + in.remaining() + " bytes");
    }
    List<Buffer> data = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      data.add(in.readBuffer());
    }
    int keyCount = in.readInt();
    List<String> keys = null;
    if (keyCount >= 0) {
      if (keyCount != count) {
        throw new IllegalArgumentException(keyCount + " idempotency keys for " + count + " messages");
      }
      keys = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        keys.add(in.readString());
      }
    }
    return new PublishRequest(channel, data, keys, readStamp(in));
  }
}
