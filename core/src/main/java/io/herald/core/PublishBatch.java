package io.herald.core;

import java.util.List;

/**
 * Publish requests for several channels whose sequencers share one address (one owner node and shard): one bus
 * round trip for all of them. Each channel's request is sequenced as if sent alone; the reply is a
 * {@link PublishOutcomes} in the same order.
 */
public record PublishBatch(List<PublishRequest> requests) {
}
