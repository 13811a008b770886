package io.herald.broker.impl;

import io.herald.core.ChannelName;
import io.herald.core.ChannelStore.Occupancy;
import io.herald.core.WallClock;
import io.herald.core.webhooks.WebhookEvent;
import io.herald.core.webhooks.Webhooks;

/**
 * Turns the channel store's occupancy transitions into {@code channel_occupied} / {@code channel_vacated} webhook
 * events. The store reports each transition once, to the operation that made it (a sequencer's watch on the
 * channel's owner, or the membership listener that removed a departed node), so each is emitted by one node only.
 * The node's own probe channels (the delivery canary's) are not the backend's business.
 */
public final class OccupancyEvents {

  private final Webhooks webhooks;

  public OccupancyEvents(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  /** {@code channel} went through {@code occupancy} (nothing happens for UNCHANGED). */
  public void changed(String channel, Occupancy occupancy) {
    WebhookEvent.Type type = switch (occupancy) {
      case OCCUPIED -> WebhookEvent.Type.CHANNEL_OCCUPIED;
      case VACATED -> WebhookEvent.Type.CHANNEL_VACATED;
      case UNCHANGED -> null;
    };
    if (type != null && webhooks.wants(type) && !ChannelName.isCanary(channel)) {
      webhooks.emit(WebhookEvent.occupancy(type, channel, WallClock.micros()));
    }
  }
}
