package io.herald.core;

import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * Messages on their way to the channel's sequencer, which gives them consecutive offsets in this order;
 * each {@code data} is raw JSON. One request per channel of an HTTP batch: one bus hop, order kept.
 *
 * @param keys  null when no message has an idempotency key; else one entry per message, null for a message
 *              without one
 * @param stamp when and on which node the publish was accepted (null: not stamped); its messages carry it
 */
public record PublishRequest(String channel, List<Buffer> data, List<String> keys, PublishStamp stamp) {

  /** Longest idempotency key, in characters. */
  public static final int MAX_KEY_CHARS = 128;

  /** Messages without idempotency keys. */
  public PublishRequest(String channel, List<Buffer> data) {
    this(channel, data, null);
  }

  /** A request not stamped (yet): the gateway that accepts it stamps it. */
  public PublishRequest(String channel, List<Buffer> data, List<String> keys) {
    this(channel, data, keys, null);
  }

  /** Whether the keys are as a node sends them: none, or one per message, each absent or 1 to 128 characters. */
  public boolean wellFormedKeys() {
    return keys == null || keys.size() == data.size()
        && keys.stream().allMatch(k -> k == null || !k.isEmpty() && k.length() <= MAX_KEY_CHARS);
  }

  /**
   * {@code value} as an idempotency key: null when absent.
   *
   * @throws HeraldException {@code bad_request} when not a string of 1 to 128 characters
   */
  public static String checkKey(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String key) || key.isEmpty() || key.length() > MAX_KEY_CHARS) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "idempotency_key must be a string of 1 to " + MAX_KEY_CHARS + " characters");
    }
    return key;
  }

  /** One message. */
  public PublishRequest(String channel, Buffer data) {
    this(channel, List.of(data));
  }
}
