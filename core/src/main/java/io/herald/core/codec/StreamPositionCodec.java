package io.herald.core.codec;

import io.herald.core.StreamPosition;
import io.vertx.core.buffer.Buffer;

public final class StreamPositionCodec extends WireCodec<StreamPosition> {

  public StreamPositionCodec() {
    super(StreamPosition.class);
  }

  @Override
  protected void write(Buffer out, StreamPosition p) {
    writeString(out, p.epoch());
    out.appendLong(p.offset());
  }

  @Override
  protected StreamPosition read(Reader in) {
    return new StreamPosition(in.readString(), in.readLong());
  }
}
