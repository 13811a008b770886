package io.herald.core;

/**
 * When and where a publish was accepted: the gateway that received it stamps its request, the sequencer copies the
 * stamp into each message, and the subscribers' nodes time the delivery from it ({@code herald_publish_to_delivery_seconds}).
 * Not part of what clients see.
 *
 * @param micros the wall clock ({@link WallClock#micros()}) when the node accepted the publish
 * @param origin the accepting node's mark: a random number each node picks at start, so that a node knows the
 *               messages it accepted itself (same clock) from those accepted elsewhere (another clock, maybe)
 */
public record PublishStamp(long micros, long origin) {

  /** Whether a message stamped so was accepted by the node whose mark is {@code origin}. */
  public boolean acceptedBy(long origin) {
    return this.origin == origin;
  }
}
