package io.herald.core.codec;

import io.herald.core.PublishRequest;
import io.vertx.core.buffer.Buffer;

public final class PublishRequestCodec extends WireCodec<PublishRequest> {

  public PublishRequestCodec() {
    super(PublishRequest.class);
  }

  @Override
  protected void write(Buffer out, PublishRequest r) {
    writeString(out, r.channel());
    writeBuffer(out, r.data());
  }

  @Override
  protected PublishRequest read(Reader in) {
    return new PublishRequest(in.readString(), in.readBuffer());
  }
}
