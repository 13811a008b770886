package io.herald.gateway.health;

import io.herald.core.Addresses;
import io.herald.core.Broker;
import io.herald.core.ChannelName;
import io.herald.core.Message;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves, end to end and periodically, that this node's delivery path works: it watches an internal
 * channel of its own, publishes a probe to it through the broker (in a cluster, to the sequencer on
 * whichever member owns the channel) and waits for the probe to come back on the local channel
 * address. {@link NodeState#ready()} follows the result, so a node that cannot deliver is taken out of
 * rotation instead of looking healthy: not ready after {@value #FAILURES_BEFORE_NOT_READY} probes in a
 * row fail (one may fail while another member's death moves partitions), ready again after one comes
 * back. The first probe runs before the deployment completes.
 */
public final class DeliveryCanary extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryCanary.class);
  /** Internal channels: clients cannot reach them, since a client's channel name cannot contain {@code $}. */
  static final String CHANNEL_PREFIX = ChannelName.CANARY_PREFIX;
  static final int FAILURES_BEFORE_NOT_READY = 2;

  private final Broker broker;
  private final NodeState state;
  private final String channel;
  private final long intervalMs;
  private final long timeoutMs;
  private MessageConsumer<Message> consumer;
  /** The watch of the canary channel; asked again before a probe when it failed. */
  private Future<Void> watching;
  private long probes;
  private int failuresInARow;
  private Promise<Void> awaited;
  private Buffer awaitedData;
  private long timer = -1;

  public DeliveryCanary(Broker broker, NodeState state, String node, long intervalMs, long timeoutMs) {
    this.broker = broker;
    this.state = state;
    this.channel = CHANNEL_PREFIX + node;
    this.intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.channel(channel), m -> received(m.body()));
    return consumer.completion()
        .transform(ar -> probe())
        .onComplete(ar -> timer = vertx.setPeriodic(intervalMs, id -> probe()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    if (watching != null) {
      broker.unwatch(channel);
    }
    return consumer.unregister();
  }

  /** Publishes the next probe; the result (never failed) completes when it came back or timed out. */
  private Future<Void> probe() {
    if (awaited != null) {
      return awaited.future(); // the previous probe is still out
    }
    if (watching != null && watching.failed()) {
      broker.unwatch(channel); // takes back the failed watch, so the next one is sent again
      watching = null;
    }
    if (watching == null) {
      watching = broker.watch(channel);
    }
    Promise<Void> back = Promise.promise();
    Buffer data = Buffer.buffer("{\"probe\":" + (++probes) + "}");
    awaited = back;
    awaitedData = data;
    long timeout = vertx.setTimer(timeoutMs, id -> finish(back, "no probe back within " + timeoutMs + " ms"));
    watching.onComplete(ar -> {
      if (ar.failed()) {
        finish(back, "watch failed: " + ar.cause().getMessage());
      } else {
        broker.publish(channel, data).onFailure(t -> finish(back, "publish failed: " + t.getMessage()));
      }
    });
    return back.future().onComplete(ar -> vertx.cancelTimer(timeout));
  }

  private void received(Message message) {
    if (awaited != null && message.data().equals(awaitedData)) {
      finish(awaited, null);
    }
  }

  private void finish(Promise<Void> probe, String failure) {
    if (probe != awaited) {
      return;
    }
    awaited = null;
    failuresInARow = failure == null ? 0 : failuresInARow + 1;
    boolean delivering = failuresInARow < FAILURES_BEFORE_NOT_READY;
    if (failure != null) {
      LOG.info("delivery canary: {} ({} in a row)", failure, failuresInARow);
    }
    if (delivering != state.delivering()) {
      if (delivering) {
        LOG.info("delivery canary: probes come back again; ready");
      } else {
        LOG.warn("delivery canary: {} probes in a row failed; not ready until one comes back", failuresInARow);
      }
    }
    state.delivering(delivering);
    probe.complete();
  }
}
