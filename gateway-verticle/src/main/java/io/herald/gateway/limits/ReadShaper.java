package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;

/**
 * ws.read_bytes_rate: how fast the node reads one connection's data frames. A client over it is refused
 * nothing; the node stops reading its socket until the budget has refilled, and TCP holds the client back.
 * That bounds what one connection costs the event loop in decoding and parsing (a flood of 32 KiB frames
 * used to be read at loopback speed and refused only after parsing) while a well-behaved client that sends
 * a burst loses nothing: it is slowed down. The frame that overdraws the budget is still served (its bytes
 * are already read), so the debt is at most one frame, and a pause at most one frame's worth of time.
 * Used on the connection's event loop only.
 */
public final class ReadShaper {

  private final TokenBucket bucket;
  private final ReadStream<?> socket;
  private final Vertx vertx;
  private final Runnable onPause;
  private boolean paused;

  private ReadShaper(TokenBucket bucket, ReadStream<?> socket, Vertx vertx, Runnable onPause) {
    this.bucket = bucket;
    this.socket = socket;
    this.vertx = vertx;
    this.onPause = onPause;
  }

  /** The shaper of {@code socket}, or null when ws.read_bytes_rate is 0 (no limit); {@code onPause} runs at each pause. */
  public static ReadShaper of(HeraldConfig config, ReadStream<?> socket, Vertx vertx, Runnable onPause) {
    int rate = config.get(HeraldConfig.WS_READ_BYTES_RATE);
    if (rate == 0) {
      return null;
    }
    TokenBucket bucket = new TokenBucket(rate, config.get(HeraldConfig.WS_READ_BYTES_BURST), System.nanoTime());
    return new ReadShaper(bucket, socket, vertx, onPause);
  }

  /** {@code bytes} of a data frame were read: past the budget, stop reading until it has refilled. */
  public void read(int bytes) {
    long waitNanos = bucket.takeOwing(System.nanoTime(), bytes);
    if (waitNanos > 0 && !paused) {
      paused = true;
      socket.pause();
      onPause.run();
      vertx.setTimer(Math.max(1, waitNanos / 1_000_000), id -> {
        paused = false;
        socket.resume();
      });
    }
  }
}
