package io.herald.core.codec;

import io.herald.core.Message;
import io.vertx.core.buffer.Buffer;

/** {@link Message} on the bus: the payload of every channel address. */
public final class MessageCodec extends WireCodec<Message> {

  public MessageCodec() {
    super(Message.class);
  }

  @Override
  protected void write(Buffer out, Message m) {
    writeMessage(out, m);
  }

  @Override
  protected Message read(Reader in) {
    return readMessage(in);
  }

  /** Shared with the codecs of values that contain messages. */
  static void writeMessage(Buffer out, Message m) {
    writeString(out, m.channel());
    writeString(out, m.epoch());
    out.appendLong(m.offset()).appendLong(m.ts());
    writeBuffer(out, m.data());
  }

  static Message readMessage(Reader in) {
    return new Message(in.readString(), in.readString(), in.readLong(), in.readLong(), in.readBuffer());
  }
}
