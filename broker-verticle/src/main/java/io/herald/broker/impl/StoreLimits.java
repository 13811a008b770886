package io.herald.broker.impl;

import io.herald.core.ChannelName;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.config.HeraldConfig;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node-wide bounds of channel state (broker.max_history_bytes, broker.max_channels) and what the
 * node's stores hold against them. Shared by the sequencer shards' stores, so updates are atomic; every
 * change is O(1). The gauges herald_history_bytes and herald_channels read it.
 */
public final class StoreLimits {

  private final long maxHistoryBytes;
  private final int maxChannels;
  private final long idempotencyWindowMs;
  private final int maxIdempotencyKeys;
  private final AtomicLong historyBytes = new AtomicLong();
  private final AtomicInteger channels = new AtomicInteger();

  public StoreLimits(long maxHistoryBytes, int maxChannels) {
    this(maxHistoryBytes, maxChannels, HeraldConfig.PUBLISH_IDEMPOTENCY_WINDOW_MS.defaultValue(),
        HeraldConfig.PUBLISH_IDEMPOTENCY_MAX_KEYS.defaultValue());
  }

  public StoreLimits(long maxHistoryBytes, int maxChannels, long idempotencyWindowMs, int maxIdempotencyKeys) {
    this.maxHistoryBytes = maxHistoryBytes;
    this.maxChannels = maxChannels;
    this.idempotencyWindowMs = idempotencyWindowMs;
    this.maxIdempotencyKeys = maxIdempotencyKeys;
  }

  /** How long a channel remembers a publish's idempotency key (publish.idempotency_window_ms); 0: keys are ignored. */
  public long idempotencyWindowMs() {
    return idempotencyWindowMs;
  }

  /** Most idempotency keys one channel remembers (publish.idempotency_max_keys). */
  public int maxIdempotencyKeys() {
    return maxIdempotencyKeys;
  }

  /** No bound (unit tests of other behaviour). */
  public static StoreLimits unbounded() {
    return new StoreLimits(Long.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** The configured bounds; broker.max_history_bytes 0 is a quarter of the heap (see docs/architecture.md). */
  public static StoreLimits from(HeraldConfig config) {
    long bytes = config.get(HeraldConfig.BROKER_MAX_HISTORY_BYTES);
    return new StoreLimits(bytes > 0 ? bytes : Runtime.getRuntime().maxMemory() / 4,
        config.get(HeraldConfig.BROKER_MAX_CHANNELS), config.get(HeraldConfig.PUBLISH_IDEMPOTENCY_WINDOW_MS),
        config.get(HeraldConfig.PUBLISH_IDEMPOTENCY_MAX_KEYS));
  }

  /**
   * Counts {@code channel}, about to be created: refused with {@code rate_limited} when the client may not
   * create one, with {@code too_many_channels} when the node holds broker.max_channels (the node's canary
   * channels excepted).
   */
  public void addChannel(String channel, boolean allowed) {
    if (!allowed) {
      throw outOfNewChannels();
    }
    if (ChannelName.isCanary(channel)) {
      channels.incrementAndGet();
    } else if (!tryAddChannel()) {
      throw tooManyChannels(maxChannels);
    }
  }

  /** Counts a channel unless the node holds its bound. */
  private boolean tryAddChannel() {
    while (true) {
      int held = channels.get();
      if (held >= maxChannels) {
        return false;
      }
      if (channels.compareAndSet(held, held + 1)) {
        return true;
      }
    }
  }

  /** The refusal of a channel the client may not create: it is out of ws.new_channel_rate. */
  public static HeraldException outOfNewChannels() {
    return new HeraldException(ErrorCode.RATE_LIMITED,
        "over " + HeraldConfig.WS_NEW_CHANNEL_RATE.key() + ": this connection creates channels too fast");
  }

  /** The refusal of a channel one over broker.max_channels. */
  public static HeraldException tooManyChannels(int max) {
    return new HeraldException(ErrorCode.TOO_MANY_CHANNELS,
        "the node holds " + HeraldConfig.BROKER_MAX_CHANNELS.key() + " = " + max + " channels");
  }

  public void removeChannel() {
    channels.decrementAndGet();
  }

  public void addHistoryBytes(long delta) {
    if (delta != 0) {
      historyBytes.addAndGet(delta);
    }
  }

  /** Bytes over broker.max_history_bytes (0 or less: within it). */
  public long historyBytesOver() {
    return historyBytes.get() - maxHistoryBytes;
  }

  /** Sets what is held, as measured (the cluster store, which counts its map's entries each sweep). */
  public void held(long channelCount, long bytes) {
    channels.set((int) Math.min(Integer.MAX_VALUE, channelCount));
    historyBytes.set(bytes);
  }

  public long historyBytes() {
    return historyBytes.get();
  }

  public int channels() {
    return channels.get();
  }

  public long maxHistoryBytes() {
    return maxHistoryBytes;
  }

  public int maxChannels() {
    return maxChannels;
  }
}
