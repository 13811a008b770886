package io.herald.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.tracing.TracingPolicy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Broker} of one node, for any verticle: sends each request to the sequencer shard that owns
 * the channel (on the node {@link SequencerRouting} names) and turns failure replies back into
 * {@link HeraldException}s. Thread-safe: every gateway event loop of the node shares it, and it counts
 * their watches so the channel's sequencer hears of this node once.
 * <p>
 * Traced (tracing on): publishes, position and history reads continue the trace of the caller's context (an HTTP API
 * request; nothing on /ws, SSE or GraphQL over WebSocket, whose work runs outside any request). Watches and presence
 * pushes never do: they are the bookkeeping of subscriptions, and a watch queued behind another channel's would be
 * sent from that one's context, in its trace.
 */
public final class EventBusBroker implements Broker {

  private static final ErrorCode[] CODES = ErrorCode.values();
  /** Pause before asking again when the owner's sequencer is not there (yet, or any more). */
  static final long RETRY_MS = 100;

  private final Vertx vertx;
  private final EventBus bus;
  private final String node;
  private final SequencerRouting routing;
  private final int shards;
  private final long timeoutMs;
  /** Watched channels, guarded by itself. */
  private final Map<String, Watch> watches = new HashMap<>();

  /**
   * @param node    this node's id, as sequencers address its inbox
   * @param routing the node whose sequencers own a channel
   * @param shards  sequencer shards per node
   */
  public EventBusBroker(Vertx vertx, String node, SequencerRouting routing, int shards, long timeoutMs) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.node = node;
    this.routing = routing;
    this.shards = shards;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Publication> publish(PublishRequest request, boolean mayCreate) {
    return request(request.channel(), request, create(options(SequencerOp.PUBLISH), mayCreate));
  }

  @Override
  public Future<StreamPosition> position(String channel) {
    return request(channel, channel, options(SequencerOp.POSITION));
  }

  @Override
  public Future<List<PublishOutcome>> publishAll(List<PublishRequest> requests, boolean mayCreate) {
    Map<String, List<Integer>> byAddress = new LinkedHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      String channel = requests.get(i).channel();
      byAddress.computeIfAbsent(Addresses.sequencer(routing.ownerOf(channel), channel, shards), a -> new ArrayList<>()).add(i);
    }
    PublishOutcome[] outcomes = new PublishOutcome[requests.size()];
    List<Future<Void>> sent = new ArrayList<>(byAddress.size());
    for (List<Integer> group : byAddress.values()) {
      if (group.size() == 1) {
        int i = group.get(0);
        sent.add(publish(requests.get(i), mayCreate).transform(ar -> {
          outcomes[i] = ar.succeeded() ? PublishOutcome.of(ar.result()) : PublishOutcome.failed(ar.cause());
          return Future.succeededFuture();
        }));
        continue;
      }
      PublishBatch batch = new PublishBatch(group.stream().map(requests::get).toList());
      Future<PublishOutcomes> reply = request(batch.requests().get(0).channel(), batch,
          create(options(SequencerOp.PUBLISH_BATCH), mayCreate));
      sent.add(reply.transform(ar -> {
        for (int k = 0; k < group.size(); k++) {
          outcomes[group.get(k)] = ar.succeeded() ? ar.result().outcomes().get(k) : PublishOutcome.failed(ar.cause());
        }
        return Future.succeededFuture();
      }));
    }
    // Every future in sent succeeds (a failure is its requests' outcome), so this waits for all of them.
    return Future.all(sent).map(all -> List.of(outcomes));
  }

  @Override
  public String ownerOf(String channel) {
    return routing.ownerOf(channel);
  }

  @Override
  public Future<HistoryPage> history(HistoryQuery query) {
    return request(query.channel(), query, options(SequencerOp.HISTORY));
  }

  @Override
  public Future<Void> watch(String channel, boolean mayCreate) {
    synchronized (watches) {
      Watch w = watches.computeIfAbsent(channel, c -> new Watch());
      if (w.count++ == 0) {
        // Only the node's first watch reaches the store: while others are counted the channel exists there.
        w.tail = w.tail.transform(ar -> sendWatch(channel, SequencerOp.WATCH, mayCreate));
      }
      return w.tail;
    }
  }

  @Override
  public void unwatch(String channel) {
    synchronized (watches) {
      Watch w = watches.get(channel);
      if (w == null || --w.count > 0) {
        return;
      }
      Future<Void> unwatched = w.tail.transform(ar -> sendWatch(channel, SequencerOp.UNWATCH, false));
      w.tail = unwatched;
      unwatched.onComplete(ar -> {
        synchronized (watches) {
          if (w.count == 0 && w.tail == unwatched) {
            watches.remove(channel, w);
          }
        }
      });
    }
  }

  /**
   * Asks again for every channel this node watches: after a split brain healed, the survivors had removed this
   * node from the watchers of every channel ({@link Membership#whenRejoined}). Subscriptions fill what they
   * missed from history when the next message shows them the gap.
   */
  public void rewatch() {
    synchronized (watches) {
      watches.forEach((channel, w) -> {
        if (w.count > 0) {
          w.tail = w.tail.transform(ar -> sendWatch(channel, SequencerOp.WATCH, true));
        }
      });
    }
  }

  @Override
  public Future<Void> push(String channel, Buffer frame) {
    return request(channel, frame, options(SequencerOp.PUSH).addHeader(SequencerOp.CHANNEL, channel)
        .setTracingPolicy(TracingPolicy.IGNORE));
  }

  private Future<Void> sendWatch(String channel, SequencerOp op, boolean mayCreate) {
    return request(channel, channel, create(options(op).addHeader(SequencerOp.NODE, node), mayCreate)
        .setTracingPolicy(TracingPolicy.IGNORE)).mapEmpty();
  }

  private static DeliveryOptions create(DeliveryOptions options, boolean mayCreate) {
    return mayCreate ? options : options.addHeader(SequencerOp.NO_CREATE, "1");
  }

  private DeliveryOptions options(SequencerOp op) {
    return new DeliveryOptions().addHeader(SequencerOp.HEADER, op.name());
  }

  private <T> Future<T> request(String channel, Object body, DeliveryOptions options) {
    Promise<T> result = Promise.promise();
    attempt(channel, body, options, System.currentTimeMillis() + timeoutMs, result);
    return result.future();
  }

  /**
   * Sends to the channel's owner as routing names it now. A request that surely did not reach a
   * sequencer (no handler at the address: a member that is still deploying its shards or is gone;
   * a connection that could not be made) is sent again, re-routed, until the timeout: while
   * partitions move, requests wait instead of failing. A timeout is not retried: that request may
   * have been executed.
   */
  private <T> void attempt(String channel, Object body, DeliveryOptions options, long deadline, Promise<T> result) {
    String address = Addresses.sequencer(routing.ownerOf(channel), channel, shards);
    options.setSendTimeout(Math.max(1, deadline - System.currentTimeMillis()));
    bus.<T>request(address, body, options).onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result().body());
      } else if (notDelivered(ar.cause()) && System.currentTimeMillis() + RETRY_MS < deadline) {
        vertx.setTimer(RETRY_MS, id -> attempt(channel, body, options, deadline, result));
      } else {
        result.fail(translate(ar.cause()));
      }
    });
  }

  private static boolean notDelivered(Throwable cause) {
    return cause instanceof ReplyException re
        && (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.ERROR);
  }

  /** Failure code of a reply: the {@link ErrorCode} ordinal; anything else is internal. */
  public static int failureCode(ErrorCode code) {
    return code.ordinal();
  }

  private static Throwable translate(Throwable cause) {
    if (cause instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() >= 0 && re.failureCode() < CODES.length) {
      return new HeraldException(CODES[re.failureCode()], re.getMessage());
    }
    return new HeraldException(ErrorCode.INTERNAL, "broker unavailable: " + cause.getMessage());
  }

  /** How many local watches a channel has, and the chain of watch/unwatch requests sent for it. */
  private static final class Watch {
    int count;
    Future<Void> tail = Future.succeededFuture();
  }
}
