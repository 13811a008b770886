package io.herald.core.codec;

import io.herald.core.HistoryQuery;
import io.vertx.core.buffer.Buffer;

public final class HistoryQueryCodec extends WireCodec<HistoryQuery> {

  public HistoryQueryCodec() {
    super(HistoryQuery.class);
  }

  @Override
  protected void write(Buffer out, HistoryQuery q) {
    writeString(out, q.channel());
    out.appendLong(q.afterOffset()).appendInt(q.limit());
  }

  @Override
  protected HistoryQuery read(Reader in) {
    return new HistoryQuery(in.readString(), in.readLong(), in.readInt());
  }
}
