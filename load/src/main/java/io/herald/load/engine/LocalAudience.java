package io.herald.load.engine;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;

/** Subscribers held by this process: the ledgers are read here. */
public final class LocalAudience implements Audience {

  private final Vertx vertx;
  private final Subscribers subscribers;
  private final int process;
  private volatile long firstKey;

  public LocalAudience(Vertx vertx, Subscribers subscribers) {
    this(vertx, subscribers, 0);
  }

  /** {@code process}: this process's number in a multi-process run (0 alone). */
  public LocalAudience(Vertx vertx, Subscribers subscribers, int process) {
    this.vertx = vertx;
    this.subscribers = subscribers;
    this.process = process;
  }

  public Subscribers subscribers() {
    return subscribers;
  }

  @Override
  public long size() {
    return subscribers.all().size();
  }

  @Override
  public boolean keysByOffset() {
    return subscribers.peer().keysByOffset();
  }

  @Override
  public Future<Long> awaitConfirmed(long withinMs) {
    return Poll.until(vertx, () -> subscribers.confirmed() == size(), System.currentTimeMillis() + withinMs)
        .map(ok -> subscribers.confirmed());
  }

  @Override
  public Future<Void> startCounting(long firstKey) {
    this.firstKey = firstKey;
    subscribers.startCounting(firstKey);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<DeliveryShare>> awaitDeliveries(long count, long drainMs) {
    return Poll.until(vertx, () -> subscribers.delivered() >= count * size(), System.currentTimeMillis() + drainMs)
        .map(ok -> List.of(DeliveryShare.of(process, subscribers, firstKey + count - 1)));
  }

  @Override
  public long errors() {
    return subscribers.errors();
  }

  @Override
  public LatencyRecorder setupTimes() {
    return subscribers.setupTimes();
  }

  @Override
  public List<Long> pids() {
    return List.of();
  }

  @Override
  public Future<Void> close() {
    return subscribers.close();
  }
}
