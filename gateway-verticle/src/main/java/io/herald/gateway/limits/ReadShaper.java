package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;
import io.netty.channel.Channel;

import java.util.concurrent.TimeUnit;

/**
 * ws.read_bytes_rate: how fast the node reads one connection's data frames. A client over it is refused
 * nothing; the node stops reading its socket until the budget has refilled, and TCP holds the client back.
 * That bounds what one connection costs the event loop in decoding and parsing (a flood of 32 KiB frames
 * used to be read at loopback speed and refused only after parsing) while a well-behaved client that sends
 * a burst loses nothing: it is slowed down. The frames of the read that overdraws the budget are still served
 * (their bytes are already read), so the debt is at most one read (Netty reads at most 64 KiB at once), and a
 * pause at most that many bytes' worth of time.
 * Used on the connection's event loop only.
 */
public final class ReadShaper {

  private final TokenBucket bucket;
  private final Channel socket;
  private final Runnable onPause;
  private boolean paused;

  private ReadShaper(TokenBucket bucket, Channel socket, Runnable onPause) {
    this.bucket = bucket;
    this.socket = socket;
    this.onPause = onPause;
  }

  /** The shaper of {@code socket}, or null when ws.read_bytes_rate is 0 (no limit); {@code onPause} runs at each pause. */
  public static ReadShaper of(HeraldConfig config, Channel socket, Runnable onPause) {
    int rate = config.get(HeraldConfig.WS_READ_BYTES_RATE);
    if (rate == 0) {
      return null;
    }
    TokenBucket bucket = new TokenBucket(rate, config.get(HeraldConfig.WS_READ_BYTES_BURST), System.nanoTime());
    return new ReadShaper(bucket, socket, onPause);
  }

  /** Whether the node is not reading the socket now: the client's pongs and frames wait unread. */
  public boolean paused() {
    return paused;
  }

  /** {@code bytes} of a data frame were read: past the budget, stop reading until it has refilled. */
  public void read(int bytes) {
    long waitNanos = bucket.takeOwing(System.nanoTime(), bytes);
    if (waitNanos > 0 && !paused) {
      paused = true;
      socket.config().setAutoRead(false);
      onPause.run();
      resumeAfter(waitNanos);
    }
  }

  /** Frames of the read that was under way when reading stopped add to the debt: resume once all of it is repaid. */
  private void resumeAfter(long waitNanos) {
    socket.eventLoop().schedule(() -> {
      long stillOwing = bucket.takeOwing(System.nanoTime(), 0);
      if (stillOwing > 0) {
        resumeAfter(stillOwing);
      } else {
        paused = false;
        socket.config().setAutoRead(true);
      }
    }, waitNanos, TimeUnit.NANOSECONDS);
  }
}
