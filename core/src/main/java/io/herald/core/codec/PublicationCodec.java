package io.herald.core.codec;

import io.herald.core.Publication;
import io.vertx.core.buffer.Buffer;

public final class PublicationCodec extends WireCodec<Publication> {

  public PublicationCodec() {
    super(Publication.class);
  }

  @Override
  protected void write(Buffer out, Publication p) {
    writePublication(out, p);
  }

  @Override
  protected Publication read(Reader in) {
    return readPublication(in);
  }

  static void writePublication(Buffer out, Publication p) {
    writeString(out, p.epoch());
    out.appendLong(p.firstOffset());
    long[] duplicateOf = p.duplicateOf();
    out.appendInt(duplicateOf == null ? -1 : duplicateOf.length);
    if (duplicateOf != null) {
      for (long offset : duplicateOf) {
        out.appendLong(offset);
      }
    }
  }

  static Publication readPublication(Reader in) {
    String epoch = in.readString();
    long first = in.readLong();
    int count = in.readInt();
    if (count < 0) {
      return Publication.of(epoch, first);
    }
    if (count > in.remaining() / 8) {
      throw new IllegalArgumentException("a publication of " + count + " messages in " + in.remaining() + " bytes");
    }
    long[] duplicateOf = new long[count];
    for (int i = 0; i < count; i++) {
      duplicateOf[i] = in.readLong();
    }
    return new Publication(epoch, first, duplicateOf);
  }
}
