package io.herald.broker.impl;

import io.herald.core.Addresses;
import io.herald.core.Message;
import io.herald.core.SequencerOp;
import io.herald.core.tracing.Tracing;
import io.opentelemetry.context.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.tracing.TracingPolicy;

import java.util.List;

/**
 * Sends a channel's messages to the nodes watching it: one copy per node, to its inbox, or straight
 * onto the local channel address when the watcher is this node. A sequencer sends in offset order and
 * the event bus keeps order between two nodes, so every node receives a channel's messages in order.
 * <p>
 * Traced (see {@link Tracing}): a message of a sampled publish goes to another node's inbox in its trace (Vert.x's
 * send span here, its receive span there), and reaches this node's subscribers in a {@value Tracing#FANOUT} span;
 * everything else goes untraced.
 */
public final class Fanout {

  /**
   * Delivery to this node's consumers only: channel addresses never cross nodes. Never traced: each event loop with
   * subscribers has a consumer there, so it would be a span per loop ({@link Tracing#fanout} is the node's one).
   */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setTracingPolicy(TracingPolicy.IGNORE);
  /** To another node's inbox, carrying no trace. */
  private static final DeliveryOptions UNTRACED = new DeliveryOptions().setTracingPolicy(TracingPolicy.IGNORE);
  /** To another node's inbox, in the trace made current around the send. */
  private static final DeliveryOptions TRACED = new DeliveryOptions().setTracingPolicy(TracingPolicy.PROPAGATE);

  private final EventBus bus;
  private final String self;
  private final Tracing tracing;

  public Fanout(EventBus bus, String self) {
    this(bus, self, Tracing.OFF);
  }

  public Fanout(EventBus bus, String self, Tracing tracing) {
    this.bus = bus;
    this.self = self;
    this.tracing = tracing;
  }

  /** The trace of the publish being handled, to {@link #message send its messages} in (null: none, or tracing off). */
  public Context trace() {
    return tracing.current();
  }

  /** @param trace the publish's trace ({@link #trace} when it arrived), or null */
  public void message(Message message, List<String> watchers, Context trace) {
    for (String node : watchers) {
      if (node.equals(self)) {
        if (trace == null) {
          bus.publish(Addresses.channel(message.channel()), message, LOCAL);
        } else {
          tracing.fanout(trace, message, () -> bus.publish(Addresses.channel(message.channel()), message, LOCAL));
        }
      } else if (trace == null) {
        bus.send(Addresses.node(node), message, UNTRACED);
      } else {
        Tracing.within(trace, () -> bus.send(Addresses.node(node), message, TRACED));
      }
    }
  }

  /** An unsequenced frame (presence event) for the channel's subscribers; never traced. */
  public void frame(String channel, Buffer frame, List<String> watchers) {
    for (String node : watchers) {
      if (node.equals(self)) {
        bus.publish(Addresses.channel(channel), frame, LOCAL);
      } else {
        bus.send(Addresses.node(node), frame,
            new DeliveryOptions().addHeader(SequencerOp.CHANNEL, channel).setTracingPolicy(TracingPolicy.IGNORE));
      }
    }
  }
}
