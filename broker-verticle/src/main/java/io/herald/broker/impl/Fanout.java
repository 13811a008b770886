package io.herald.broker.impl;

import io.herald.core.Addresses;
import io.herald.core.Message;
import io.herald.core.SequencerOp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

import java.util.List;

/**
 * Sends a channel's messages to the nodes watching it: one copy per node, to its inbox, or straight
 * onto the local channel address when the watcher is this node. A sequencer sends in offset order and
 * the event bus keeps order between two nodes, so every node receives a channel's messages in order.
 */
public final class Fanout {

  /** Delivery to this node's consumers only: channel addresses never cross nodes. */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final EventBus bus;
  private final String self;

  public Fanout(EventBus bus, String self) {
    this.bus = bus;
    this.self = self;
  }

  public void message(Message message, List<String> watchers) {
    for (String node : watchers) {
      if (node.equals(self)) {
        bus.publish(Addresses.channel(message.channel()), message, LOCAL);
      } else {
        bus.send(Addresses.node(node), message);
      }
    }
  }

  /** An unsequenced frame (presence event) for the channel's subscribers. */
  public void frame(String channel, Buffer frame, List<String> watchers) {
    for (String node : watchers) {
      if (node.equals(self)) {
        bus.publish(Addresses.channel(channel), frame, LOCAL);
      } else {
        bus.send(Addresses.node(node), frame, new DeliveryOptions().addHeader(SequencerOp.CHANNEL, channel));
      }
    }
  }
}
