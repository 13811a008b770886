package io.herald.load.peer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Where and how the load tool publishes and subscribes: Herald ({@code POST /api/publish}, {@code /ws} or
 * GraphQL subscribers) or a peer broker it is compared with (Nchan). The engine's {@code Publisher} and
 * {@code Subscribers} ask the peer for requests and frames and leave the measuring to themselves.
 *
 * <p>The delivery ledger needs one increasing number per message. Herald gives every message a channel
 * offset; a peer without offsets is counted by the publish index the publisher puts in {@code data.i}
 * ({@link #keysByOffset()} false).
 */
public interface Peer {

  /** The brokers the tool can measure. */
  enum Kind {
    HERALD, NCHAN;

    /** {@code herald} or {@code nchan}, as the command line spells them. */
    public static Kind parse(String name) {
      for (Kind k : values()) {
        if (k.label().equals(name.toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown peer '" + name + "' (herald or nchan)");
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  Kind kind();

  /** True: the ledger counts server offsets; false: it counts {@code data.i}, the publish index. */
  boolean keysByOffset();

  /** The HTTP request that publishes one message on {@code channel}. */
  RequestOptions publishRequest(URI node, String channel);

  /** The request body that publishes {@code dataJson} (the message's {@code data}) on {@code channel}. */
  Buffer publishBody(String channel, String dataJson);

  /**
   * Reads a publish answer: the message's offset, or -1 when the peer has none.
   *
   * @throws IllegalStateException when the publish was refused
   */
  long publishAnswer(int status, Buffer body);

  /** Whether one request may publish several messages ({@link #publishBatchBody}): Herald's can, Nchan's cannot. */
  default boolean batches() {
    return false;
  }

  /** The request body that publishes every {@code dataJson} on {@code channel}, in this order, at once. */
  default Buffer publishBatchBody(String channel, List<String> dataJson) {
    throw new UnsupportedOperationException(kind().label() + " publishes one message per request");
  }

  /**
   * Reads a batch's answer: the highest offset it was given.
   *
   * @throws IllegalStateException when the request or any of its messages was refused
   */
  default long publishBatchAnswer(int status, Buffer body) {
    throw new UnsupportedOperationException(kind().label() + " publishes one message per request");
  }

  /** Where a subscriber's WebSocket connects. */
  WebSocketConnectOptions subscribeOptions(URI node, String channel);

  /**
   * True when the server confirms a subscription with a frame ({@link Frame.Type#SUBSCRIBED}, or a replayed
   * marker message); false when only
   * a first message proves it live (graphql-transport-ws, Nchan), so opening a subscriber ends with its socket
   * open and the scenario's marker message confirms it.
   */
  boolean confirmsSubscription();

  /** Text frames a subscriber sends once its socket is open (none when the URL alone subscribes). */
  List<String> openingFrames(String channel);

  /** What one text frame from the server means to a subscriber of {@code channel}. */
  Frame parse(String text, String channel);

  /**
   * One server frame, read: a delivered message ({@code key} for the ledger, {@code data} as published),
   * the subscription confirmed, a reply the subscriber must send, an error, or nothing of interest.
   */
  record Frame(Type type, long key, Object data, String reply) {

    public enum Type { MESSAGE, MESSAGES, SUBSCRIBED, REPLY, ERROR, OTHER }

    public static Frame message(long key, Object data) {
      return new Frame(Type.MESSAGE, key, data, null);
    }

    /** Several delivered messages in one frame (Herald's {@code messages}); {@link #items} are MESSAGE frames. */
    public static Frame messages(List<Frame> items) {
      return new Frame(Type.MESSAGES, 0, items, null);
    }

    @SuppressWarnings("unchecked")
    public List<Frame> items() {
      return (List<Frame>) data;
    }

    public static Frame subscribed() {
      return new Frame(Type.SUBSCRIBED, 0, null, null);
    }

    public static Frame reply(String text) {
      return new Frame(Type.REPLY, 0, null, text);
    }

    public static Frame error() {
      return new Frame(Type.ERROR, 0, null, null);
    }

    public static Frame other() {
      return new Frame(Type.OTHER, 0, null, null);
    }
  }
}
