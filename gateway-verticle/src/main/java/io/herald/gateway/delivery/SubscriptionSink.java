package io.herald.gateway.delivery;

import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.vertx.core.buffer.Buffer;

/**
 * Where a {@link Subscription} sends what it delivers: a /ws connection, or a GraphQL subscription
 * over graphql-transport-ws. Called only on the subscriber's event loop.
 */
public interface SubscriptionSink {

  /** How a subscribe with or without {@code since} started. */
  enum Start { LIVE, RECOVERED, RECOVERY_FAILED }

  /** The subscription is live from {@code latest}; with RECOVERED the missed messages follow. */
  void started(Subscription subscription, Long requestId, StreamPosition latest, Start how);

  /**
   * Writes one message; returns false if it was not written (the subscriber is closing). {@code skipped}: the
   * messages before it the subscription passed over (conflation, namespace option {@code max_rate}), else 0.
   */
  boolean deliver(Subscription subscription, Message message, long skipped);

  /** Messages were lost on the server side and history cannot fill the gap; delivery continues from {@code latest}. */
  void lost(Subscription subscription, StreamPosition latest);

  /** An unsequenced push for the channel (presence join/leave); sinks that have no such frame ignore it. */
  void push(Subscription subscription, Buffer frame);

  /**
   * The connection this sink writes to: its outbound bound is the subscriber's. (The session package's
   * {@code ClientSession} for every protocol; an interface here so that delivery does not depend on sessions.)
   */
  Connection connection();

  /** The subscriber fell too far behind: close it as a slow consumer. */
  default void overflow() {
    connection().overflow();
  }

  /** Bytes that may wait for this subscriber. */
  default int outboundLimit() {
    return connection().outboundLimit();
  }

  /** What delivery needs of a subscriber's connection. */
  interface Connection {

    /** Closes the connection as a slow consumer. */
    void overflow();

    /** Bytes that may wait to be written to it. */
    int outboundLimit();
  }
}
