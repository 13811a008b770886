package io.herald.gateway.sse;

import io.herald.core.Message;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Encodes server-sent events: {@code id:} (when given), {@code event:}, and the JSON as {@code data:}. A line break
 * in the JSON (a publisher's pretty-printed data) would end the field, so each one starts a new {@code data:} line,
 * which the client joins back with a line feed: the same JSON. One per event loop: the message event of a
 * single-channel stream is the same for every subscriber of the loop, and is encoded once per message.
 */
final class SseEvents {

  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

  private Message lastMessage;
  private Buffer lastMessageEvent;

  /** {@code event: type} with {@code json} as its data, and {@code id} unless null. */
  static Buffer event(String type, String id, Buffer json) {
    Buffer out = Buffer.buffer(json.length() + 64);
    if (id != null) {
      out.appendString("id: ").appendString(id).appendByte((byte) '\n');
    }
    out.appendString("event: ").appendString(type).appendByte((byte) '\n');
    appendData(out, json);
    return out.appendString("\n\n");
  }

  /** The {@code message} event of {@code message} alone on its stream ({@code id} is its {@code epoch:offset}). */
  Buffer single(Message message) {
    if (message != lastMessage) {
      lastMessageEvent = event("message", message.epoch() + ":" + message.offset(), message.frame());
      lastMessage = message;
    }
    return lastMessageEvent;
  }

  private static void appendData(Buffer out, Buffer json) {
    out.appendBytes(DATA);
    int from = 0;
    int n = json.length();
    for (int i = 0; i < n; i++) {
      byte b = json.getByte(i);
      if (b == '\n' || b == '\r') {
        out.appendBuffer(json, from, i - from).appendByte((byte) '\n').appendBytes(DATA);
        if (b == '\r' && i + 1 < n && json.getByte(i + 1) == '\n') {
          i++;
        }
        from = i + 1;
      }
    }
    out.appendBuffer(json, from, n - from);
  }
}
