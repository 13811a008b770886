package io.herald.core.codec;

import io.herald.core.HistoryPage;
import io.herald.core.Message;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

public final class HistoryPageCodec extends WireCodec<HistoryPage> {

  public HistoryPageCodec() {
    super(HistoryPage.class);
  }

  @Override
  protected void write(Buffer out, HistoryPage page) {
    writeString(out, page.epoch());
    out.appendLong(page.latest()).appendLong(page.earliest()).appendInt(page.messages().size());
    for (Message m : page.messages()) {
      MessageCodec.writeMessage(out, m);
    }
  }

  @Override
  protected HistoryPage read(Reader in) {
    String epoch = in.readString();
    long latest = in.readLong();
    long earliest = in.readLong();
    int count = in.readInt();
    List<Message> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      messages.add(MessageCodec.readMessage(in));
    }
    return new HistoryPage(epoch, latest, earliest, messages);
  }
}
