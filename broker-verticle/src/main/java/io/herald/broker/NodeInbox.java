package io.herald.broker;

import io.herald.broker.impl.Fanout;
import io.herald.core.Addresses;
import io.herald.core.BusRejections;
import io.herald.core.ChannelName;
import io.herald.core.Message;
import io.herald.core.SequencerOp;
import io.herald.core.tracing.Tracing;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * A node's inbox: receives the messages and presence frames other nodes' sequencers send it for the
 * channels it watches (one copy per node) and publishes each on the local channel address, where every
 * gateway event loop with subscribers has a consumer. A delivery whose channel name is invalid, or that
 * is neither a message nor a presence frame, is dropped and counted ({@link BusRejections}). A message that arrives
 * in a trace (Vert.x made its receive span) reaches the node's subscribers in a {@value Tracing#FANOUT} span.
 */
public final class NodeInbox {

  private final MessageConsumer<Object> consumer;

  private NodeInbox(MessageConsumer<Object> consumer) {
    this.consumer = consumer;
  }

  /** Registers the inbox of {@code node} cluster-wide; completes once other nodes can reach it. */
  public static Future<NodeInbox> open(EventBus bus, String node) {
    return open(bus, node, new BusRejections(), Tracing.OFF);
  }

  public static Future<NodeInbox> open(EventBus bus, String node, BusRejections rejections, Tracing tracing) {
    MessageConsumer<Object> consumer = bus.consumer(Addresses.node(node), delivery -> {
      Object body = delivery.body();
      String channel = body instanceof Message message ? message.channel()
          : body instanceof Buffer ? delivery.headers().get(SequencerOp.CHANNEL) : null;
      if (!ChannelName.isValid(channel)) {
        rejections.reject(BusRejections.Handler.INBOX, delivery.address(), "invalid channel name or body");
        return;
      }
      Context trace = body instanceof Message ? tracing.current() : null;
      if (trace == null) {
        bus.publish(Addresses.channel(channel), body, Fanout.LOCAL);
      } else {
        tracing.fanout(trace, (Message) body, () -> bus.publish(Addresses.channel(channel), body, Fanout.LOCAL));
      }
    });
    return consumer.completion().map(v -> new NodeInbox(consumer));
  }

  public Future<Void> close() {
    return consumer.unregister();
  }
}
