package io.herald.core.codec;

import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.PublishOutcome;
import io.herald.core.PublishOutcomes;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/** Each outcome: the error code's ordinal and message, or -1 and the publication. */
public final class PublishOutcomesCodec extends WireCodec<PublishOutcomes> {

  private static final ErrorCode[] CODES = ErrorCode.values();

  public PublishOutcomesCodec() {
    super(PublishOutcomes.class);
  }

  @Override
  protected void write(Buffer out, PublishOutcomes outcomes) {
    out.appendInt(outcomes.outcomes().size());
    for (PublishOutcome o : outcomes.outcomes()) {
      if (o.succeeded()) {
        out.appendInt(-1);
        PublicationCodec.writePublication(out, o.publication());
      } else {
        out.appendInt(o.error().code().ordinal());
        writeString(out, o.error().getMessage());
      }
    }
  }

  @Override
  protected PublishOutcomes read(Reader in) {
    int count = in.readInt();
    if (count < 0 || count > in.remaining() / 4) {
      throw new IllegalArgumentException(count + " publish outcomes in " + in.remaining() + " bytes");
    }
    List<PublishOutcome> outcomes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int code = in.readInt();
      if (code < 0) {
        outcomes.add(PublishOutcome.of(PublicationCodec.readPublication(in)));
      } else {
        ErrorCode error = code < CODES.length ? CODES[code] : ErrorCode.INTERNAL;
        outcomes.add(new PublishOutcome(null, new HeraldException(error, in.readString())));
      }
    }
    return new PublishOutcomes(outcomes);
  }
}
