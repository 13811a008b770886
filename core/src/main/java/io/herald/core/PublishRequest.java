package io.herald.core;

import io.vertx.core.buffer.Buffer;

/** A publish on its way to the channel's sequencer; {@code data} is raw JSON. */
public record PublishRequest(String channel, Buffer data) {
}
