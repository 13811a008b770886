package io.herald.core;

import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * Messages on their way to the channel's sequencer, which gives them consecutive offsets in this order;
 * each {@code data} is raw JSON. One request per channel of an HTTP batch: one bus hop, order kept.
 */
public record PublishRequest(String channel, List<Buffer> data) {

  /** One message. */
  public PublishRequest(String channel, Buffer data) {
    this(channel, List.of(data));
  }
}
