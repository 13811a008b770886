package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;

/**
 * How many channels one connection may still create (ws.new_channel_rate, ws.new_channel_burst): a token
 * bucket. Whether a request creates a channel is known only where the channel's state lives, so a
 * request takes a token first if one is left (and may then create the channel), or goes without and
 * may only use a channel that exists (an unknown one is refused with {@code rate_limited} by the store);
 * a request that did not create its channel gives its token back. So an exhausted budget never refuses
 * a request to an existing channel. Used on the connection's event loop only.
 */
public final class NewChannelBudget {

  /** Null: no limit. */
  private final TokenBucket bucket;

  private NewChannelBudget(TokenBucket bucket) {
    this.bucket = bucket;
  }

  public static NewChannelBudget from(HeraldConfig config) {
    int rate = config.get(HeraldConfig.WS_NEW_CHANNEL_RATE);
    return new NewChannelBudget(rate == 0 ? null
        : new TokenBucket(rate, Math.max(1, config.get(HeraldConfig.WS_NEW_CHANNEL_BURST)), System.nanoTime()));
  }

  /** Takes a token if one is left; returns whether the next request may create its channel. */
  public boolean take() {
    return bucket == null || bucket.tryTake(System.nanoTime(), 1);
  }

  /** A request that took a token did not create a channel after all. */
  public void giveBack() {
    if (bucket != null) {
      bucket.giveBack(1);
    }
  }
}
