package io.herald.core;

import java.util.List;

/** The reply to a {@link PublishBatch}: one outcome per request, in its order. */
public record PublishOutcomes(List<PublishOutcome> outcomes) {
}
