package io.herald.gateway.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Writes an already encoded JSON text frame. Vert.x's public API only makes text frames from a
 * {@code String}, which would re-encode UTF-8 for every subscriber; this wraps the shared bytes
 * instead (a slice per write, no copy). The one place Herald touches Vert.x internals.
 */
final class TextFrames {

  private TextFrames() {
  }

  static void write(WebSocketBase ws, Buffer utf8Json) {
    ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8Json).getByteBuf(), true));
  }
}
