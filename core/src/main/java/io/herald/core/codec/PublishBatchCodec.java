package io.herald.core.codec;

import io.herald.core.PublishBatch;
import io.herald.core.PublishRequest;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

public final class PublishBatchCodec extends WireCodec<PublishBatch> {

  public PublishBatchCodec() {
    super(PublishBatch.class);
  }

  @Override
  protected void write(Buffer out, PublishBatch batch) {
    out.appendInt(batch.requests().size());
    batch.requests().forEach(r -> PublishRequestCodec.writeRequest(out, r));
  }

  @Override
  protected PublishBatch read(Reader in) {
    int count = in.readInt();
    // Each request takes at least 12 bytes (channel length, message count, key count): refuse a count they cannot hold.
    if (count < 0 || count > in.remaining() / 12) {
      throw new IllegalArgumentException("a publish batch of " + count + " requests in " + in.remaining() + " bytes");
    }
    List<PublishRequest> requests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      requests.add(PublishRequestCodec.readRequest(in));
    }
    return new PublishBatch(requests);
  }
}
