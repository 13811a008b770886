package io.herald.gateway.impl;

import io.herald.core.ErrorCode;
import io.herald.core.HistoryPage;
import io.herald.core.Message;
import io.herald.core.StreamPosition;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's subscription to one channel: it delivers each offset of the channel exactly once
 * and in order. While it catches up (at subscribe, or to fill a gap) live messages wait in
 * {@code pending}; then history is replayed and the pending messages follow, skipping what was
 * already delivered. Used only on its connection's event loop.
 */
final class Subscription {

  private final ClientConnection connection;
  private final String channel;
  private String epoch;
  private long lastOffset;
  /** Non-null while catching up: live messages that arrived meanwhile. */
  private List<Message> pending = new ArrayList<>();
  private long pendingBytes;

  Subscription(ClientConnection connection, String channel) {
    this.connection = connection;
    this.channel = channel;
  }

  String channel() {
    return channel;
  }

  boolean active() {
    return pending == null;
  }

  /** A live message from the channel's address; returns whether it was written to the client. */
  boolean offer(Message message) {
    if (pending != null) {
      pending.add(message);
      pendingBytes += message.data().length();
      if (pendingBytes > connection.outboundLimit()) {
        connection.slowConsumer();
      }
      return false;
    }
    if (!message.epoch().equals(epoch)) {
      if (message.offset() != 1) {
        // History was reset elsewhere and we joined the new epoch late: fetch what we missed.
        catchUp(message, new StreamPosition(message.epoch(), 0));
        return false;
      }
      epoch = message.epoch();
      lastOffset = 0;
    }
    if (message.offset() <= lastOffset) {
      return false;
    }
    if (message.offset() > lastOffset + 1) {
      catchUp(message, new StreamPosition(epoch, lastOffset));
      return false;
    }
    lastOffset = message.offset();
    return connection.send(message.frame());
  }

  /** A presence event or other unsequenced push for this channel. */
  void push(io.vertx.core.buffer.Buffer frame) {
    if (pending == null) {
      connection.send(frame);
    }
  }

  /**
   * Completes the subscribe request: {@code page} was read after the channel's consumer was
   * registered, so together with {@code pending} it holds every message after {@code since}
   * (or after the page's latest offset when there is no {@code since}).
   */
  void start(Long requestId, StreamPosition since, HistoryPage page) {
    StreamPosition latest = new StreamPosition(page.epoch(), page.latest());
    if (since == null) {
      connection.send(Frames.subscribed(requestId, channel, latest, null));
      resume(latest, List.of());
    } else if (page.covers(since.epoch(), since.offset())) {
      connection.send(Frames.subscribed(requestId, channel, latest, true));
      resume(since, page.messages());
    } else {
      connection.send(Frames.error(requestId, ErrorCode.RECOVERY_FAILED,
          "history no longer holds the position; subscribed from the latest offset", channel));
      connection.send(Frames.subscribed(requestId, channel, latest, false));
      resume(latest, List.of());
    }
  }

  private void catchUp(Message trigger, StreamPosition from) {
    pending = new ArrayList<>();
    pending.add(trigger);
    pendingBytes = trigger.data().length();
    connection.readMissed(this, from);
  }

  /** The history read started by a gap completed; {@code page} is null if the read failed. */
  void caughtUp(StreamPosition from, HistoryPage page) {
    if (page != null && page.covers(from.epoch(), from.offset())) {
      resume(from, page.messages());
    } else {
      connection.send(Frames.error(null, ErrorCode.RECOVERY_FAILED,
          "messages were lost on the server side; reload the channel's state", channel));
      StreamPosition latest = page != null ? new StreamPosition(page.epoch(), page.latest()) : from;
      resume(latest, List.of());
    }
  }

  /** Delivers {@code replay} (history after {@code from}), then the messages that waited. */
  private void resume(StreamPosition from, List<Message> replay) {
    epoch = from.epoch();
    lastOffset = from.offset();
    List<Message> waiting = pending;
    pending = null;
    pendingBytes = 0;
    for (Message m : replay) {
      offer(m);
    }
    for (Message m : waiting) {
      offer(m);
    }
  }
}
