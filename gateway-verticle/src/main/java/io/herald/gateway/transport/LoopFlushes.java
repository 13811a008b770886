package io.herald.gateway.transport;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayList;
import java.util.List;

/**
 * The sockets of one event loop with frames written and not yet flushed, flushed together by one task queued
 * behind the work already waiting on the loop. A message fanned out to N subscribers of a loop is N writes and
 * then N flushes in one task, so a burst leaves in one write(2) per subscriber; Netty's
 * {@code FlushConsolidationHandler}, used before, did the same with a task (and a promise) per socket per flush,
 * the largest per-subscriber cost of a delivery after the system call itself (docs/performance.md). Each event-loop
 * thread has its own; used only on that thread.
 */
final class LoopFlushes implements Runnable {

  private static final FastThreadLocal<LoopFlushes> OF_THREAD = new FastThreadLocal<>() {
    @Override
    protected LoopFlushes initialValue() {
      return new LoopFlushes();
    }
  };

  private final List<ClientSocket> pending = new ArrayList<>();
  private boolean scheduled;

  private LoopFlushes() {
  }

  /** Flushes {@code socket} once the loop gets to this task; called on the socket's event loop. */
  static void later(ClientSocket socket) {
    OF_THREAD.get().add(socket);
  }

  private void add(ClientSocket socket) {
    if (socket.flushPending) {
      return;
    }
    socket.flushPending = true;
    pending.add(socket);
    if (!scheduled) {
      scheduled = true;
      socket.channel().eventLoop().execute(this);
    }
  }

  @Override
  public void run() {
    scheduled = false;
    // Indexed: a flush may fail a socket whose close handler writes to another one, adding it here.
    for (int i = 0; i < pending.size(); i++) {
      ClientSocket socket = pending.get(i);
      socket.flushPending = false;
      socket.channel().flush();
    }
    pending.clear();
  }
}
