package io.herald.gateway.hooks;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * A response body read whole, up to a size: a backend's answer larger than that fails the call as soon as it is
 * seen (the rest is discarded as it arrives), so a huge answer costs the node no memory.
 */
final class CappedBody implements BodyStream<Buffer> {

  private final int maxBytes;
  private final Buffer body = Buffer.buffer();
  private final Promise<Buffer> result = Promise.promise();

  private CappedBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A codec reading at most {@code maxBytes}. */
  static BodyCodec<Buffer> codec(int maxBytes) {
    return () -> new CappedBody(maxBytes);
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (body.length() + data.length() > maxBytes) {
      IllegalStateException tooLarge = new IllegalStateException("answer over " + maxBytes + " bytes");
      result.tryFail(tooLarge);
      return Future.failedFuture(tooLarge);
    }
    body.appendBuffer(data);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    result.tryComplete(body);
    return Future.succeededFuture();
  }

  @Override
  public void handle(Throwable failure) {
    result.tryFail(failure);
  }

  @Override
  public Future<Buffer> result() {
    return result.future();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    return this;
  }
}
