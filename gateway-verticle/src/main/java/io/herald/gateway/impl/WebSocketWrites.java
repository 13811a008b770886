package io.herald.gateway.impl;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.WebSocketImplBase;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The fan-out write path, and the one place Herald reaches past Vert.x's public WebSocket API:
 * <ul>
 *   <li>a text frame is written from already encoded bytes (a slice per write, no copy): the public API
 *   only makes text frames from a {@code String}, which would re-encode UTF-8 for every subscriber;</li>
 *   <li>flushes are consolidated: a write outside a read flushes at once, one syscall per subscriber per
 *   message, which on a busy node costs more than the rest of the fan-out. Netty's
 *   {@link FlushConsolidationHandler} defers the flush to a task queued behind the event-bus deliveries
 *   already waiting, so a burst goes out in one syscall per subscriber, while a lone message is
 *   flushed as soon as the current task ends.</li>
 * </ul>
 */
public final class WebSocketWrites {

  private WebSocketWrites() {
  }

  public static void consolidateFlushes(ServerWebSocket ws) {
    ((WebSocketImplBase<?>) ws).channelHandlerContext().pipeline()
        .addFirst(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
  }

  /**
   * The most bytes a close reason may take: a close frame is a control frame, whose payload (2 bytes of code,
   * then the reason) is at most 125 bytes. Clients fail a longer one ("invalid payload length").
   */
  public static final int MAX_CLOSE_REASON_BYTES = 123;

  /** Closes {@code ws} with {@code code}; every server close goes through here, or {@link #closeNow}. */
  public static void close(ServerWebSocket ws, short code, String reason) {
    ws.close(code, closeReason(reason));
  }

  /** Writes and flushes a close frame on the channel itself, ahead of Vert.x's queues. */
  public static void closeNow(ServerWebSocket ws, int code, String reason) {
    ((WebSocketImplBase<?>) ws).channelHandlerContext().channel()
        .writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(code, closeReason(reason)));
  }

  /**
   * {@code reason} cut to at most {@link #MAX_CLOSE_REASON_BYTES} bytes of UTF-8, never inside a character
   * (a reason may carry what a client sent, such as a graphql-transport-ws operation id).
   */
  public static String closeReason(String reason) {
    if (reason == null || reason.length() * 3 <= MAX_CLOSE_REASON_BYTES) {
      return reason; // short enough whatever its characters
    }
    int bytes = 0;
    int end = 0;
    while (end < reason.length()) {
      int cp = reason.codePointAt(end);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > MAX_CLOSE_REASON_BYTES) {
        break;
      }
      bytes += size;
      end += Character.charCount(cp);
    }
    return reason.substring(0, end);
  }

  public static void writeText(WebSocketBase ws, Buffer utf8Json) {
    ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8Json).getByteBuf(), true));
  }
}
