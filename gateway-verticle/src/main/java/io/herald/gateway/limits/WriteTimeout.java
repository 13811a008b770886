package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * Detects a peer that stopped reading: bytes wait in the connection's outbound buffer and none of them
 * has been written for {@code ws.write_timeout_ms}. The outbound queue bound (4008 at
 * {@code ws.outbound_queue_bytes}) only catches a stuck peer that receives a lot; one on a quiet channel
 * would hold its (smaller) queue, its subscriptions and its socket for ever as long as it keeps sending
 * something itself, which keeps the heartbeat happy. Checked by the heartbeat sweep, on the connection's
 * event loop; reads Netty's outbound buffer the way {@code IdleStateHandler(observeOutput)} does.
 */
public final class WriteTimeout {

  private final Channel channel;
  private final long timeoutMs;
  private Object lastCurrent;
  private long lastProgress;
  private long stuckSinceMs;

  private WriteTimeout(Channel channel, long timeoutMs) {
    this.channel = channel;
    this.timeoutMs = timeoutMs;
  }

  /** The check for {@code channel}, or null when {@code ws.write_timeout_ms} is 0. */
  public static WriteTimeout of(Channel channel, HeraldConfig config) {
    long timeout = config.get(HeraldConfig.WS_WRITE_TIMEOUT_MS);
    return timeout == 0 ? null : new WriteTimeout(channel, timeout);
  }

  /** Whether writes have made no progress for the timeout while bytes wait. */
  public boolean stuck(long nowMs) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    if (buffer == null || buffer.totalPendingWriteBytes() == 0) {
      stuckSinceMs = 0;
      lastCurrent = null;
      return false;
    }
    Object current = buffer.current();
    long progress = buffer.currentProgress();
    if (stuckSinceMs == 0 || current != lastCurrent || progress != lastProgress) {
      lastCurrent = current;
      lastProgress = progress;
      stuckSinceMs = nowMs;
      return false;
    }
    return nowMs - stuckSinceMs >= timeoutMs;
  }
}
