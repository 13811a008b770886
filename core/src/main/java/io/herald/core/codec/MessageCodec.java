package io.herald.core.codec;

import io.herald.core.Message;
import io.vertx.core.buffer.Buffer;

/** {@link Message} on the bus: the payload of every channel address. */
public final class MessageCodec extends WireCodec<Message> {

  public MessageCodec() {
    super(Message.class);
  }

  /** A live message carries its publish stamp, for the latency its subscribers' node measures. */
  @Override
  protected void write(Buffer out, Message m) {
    writeMessage(out, m);
    writeStamp(out, m.stamp());
  }

  @Override
  protected Message read(Reader in) {
    String channel = in.readString();
    String epoch = in.readString();
    long offset = in.readLong();
    long tsMicros = in.readLong();
    Buffer data = in.readBuffer();
    return Message.sequenced(channel, epoch, offset, tsMicros, data, readStamp(in));
  }

  /** Shared with the codecs of values that contain messages (history: no stamp). */
  static void writeMessage(Buffer out, Message m) {
    writeString(out, m.channel());
    writeString(out, m.epoch());
    out.appendLong(m.offset()).appendLong(m.tsMicros());
    writeBuffer(out, m.data());
  }

  static Message readMessage(Reader in) {
    return Message.sequenced(in.readString(), in.readString(), in.readLong(), in.readLong(), in.readBuffer(), null);
  }
}
