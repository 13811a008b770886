package io.herald.load.engine;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Subscribers spread over client processes ({@link ClientProcesses}), each holding its share in a
 * {@link LocalAudience}; the publisher stays in this one. Both sides of the exchange are here. After
 * {@value ClientProcesses#GO} (open the share; answered with a {@link ConnectionShare}), the parent sends one command
 * a line and every child answers it with one {@value ClientProcesses#RESULT} line:
 * <ul>
 *   <li>{@code MARK <withinMs>}: {@code {"confirmed": n}} once every subscriber has confirmed, or at the bound;</li>
 *   <li>{@code COUNT <firstKey>}: {@code {}} once its ledgers count from that key;</li>
 *   <li>{@code DELIVERIES <count> <drainMs>}: its {@link DeliveryShare} once every subscriber has the stretch's
 *   {@code count} keys, or after {@code drainMs}.</li>
 * </ul>
 * A command a child cannot carry out is answered {@code {"error": "..."}}, which fails the parent's future. Every wait
 * is bounded: a child's by the command, the parent's by that bound plus {@link #ANSWER_MARGIN_MS}.
 */
public final class RemoteAudience implements Audience {

  public static final String MARK = "MARK";
  public static final String COUNT = "COUNT";
  public static final String DELIVERIES = "DELIVERIES";

  /** How long a child may take to start its JVM and say READY. */
  static final long READY_WITHIN_MS = 120_000;
  /** What a child may take beyond a command's own bound to answer it (a loaded machine, a pipe). */
  static final long ANSWER_MARGIN_MS = 30_000;

  private final Vertx vertx;
  private final ClientProcesses children;
  private final long size;
  private final boolean keysByOffset;
  private final LatencyRecorder setupTimes;
  private volatile long errors;

  private RemoteAudience(Vertx vertx, ClientProcesses children, ConnectionShare opened, boolean keysByOffset) {
    this.vertx = vertx;
    this.children = children;
    this.size = opened.connections();
    this.keysByOffset = keysByOffset;
    this.setupTimes = opened.setupTimes();
    this.errors = opened.errorEvents();
  }

  /**
   * Waits for every child's READY, tells them all GO and waits until each has opened its share ({@code openWithinMs},
   * the children's own bound, plus the margin); throws when a subscriber did not subscribe (as opening them here
   * would). Blocks: call it off the event loop. The caller closes {@code children} if it throws.
   */
  public static RemoteAudience open(Vertx vertx, ClientProcesses children, boolean keysByOffset, long openWithinMs)
      throws InterruptedException {
    children.awaitAll(ClientProcesses.READY, READY_WITHIN_MS);
    children.tellAll(ClientProcesses.GO);
    List<ConnectionShare> shares = new ArrayList<>();
    for (String json : children.awaitResults(openWithinMs + ANSWER_MARGIN_MS)) {
      shares.add(ConnectionShare.fromJson(new JsonObject(json)));
    }
    ConnectionShare opened = ConnectionShare.merge(shares);
    if (opened.failed() > 0) {
      throw new IllegalStateException(opened.failed() + " of " + opened.connections()
          + " subscribers in the client processes did not subscribe");
    }
    return new RemoteAudience(vertx, children, opened, keysByOffset);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public boolean keysByOffset() {
    return keysByOffset;
  }

  @Override
  public Future<Long> awaitConfirmed(long withinMs) {
    return ask(MARK + " " + withinMs, withinMs)
        .map(answers -> answers.stream().mapToLong(a -> a.getLong("confirmed")).sum());
  }

  @Override
  public Future<Void> startCounting(long firstKey) {
    return ask(COUNT + " " + firstKey, 0).mapEmpty();
  }

  @Override
  public Future<List<DeliveryShare>> awaitDeliveries(long count, long drainMs) {
    return ask(DELIVERIES + " " + count + " " + drainMs, drainMs).map(answers -> {
      List<DeliveryShare> shares = answers.stream().map(DeliveryShare::fromJson).toList();
      errors = shares.stream().mapToLong(DeliveryShare::errors).sum();
      return shares;
    });
  }

  @Override
  public long errors() {
    return errors;
  }

  @Override
  public LatencyRecorder setupTimes() {
    return setupTimes;
  }

  @Override
  public List<Long> pids() {
    return children.pids();
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      children.close();
      return null;
    });
  }

  /** Every child's answer to {@code command}, which it carries out within {@code boundMs}. */
  private Future<List<JsonObject>> ask(String command, long boundMs) {
    return vertx.executeBlocking(() -> {
      List<JsonObject> answers = new ArrayList<>();
      for (String line : children.ask(command, boundMs + ANSWER_MARGIN_MS)) {
        JsonObject answer = new JsonObject(line);
        if (answer.containsKey("error")) {
          throw new IllegalStateException("a client process could not " + command + ": " + answer.getString("error"));
        }
        answers.add(answer);
      }
      return answers;
    });
  }

  /** A child's side: what {@code local} answers to {@code command} (a failed future for one it does not know). */
  public static Future<JsonObject> answer(Audience local, String command) {
    String[] words = command.split(" ");
    try {
      return switch (words[0]) {
        case MARK -> local.awaitConfirmed(Long.parseLong(words[1])).map(n -> new JsonObject().put("confirmed", n));
        case COUNT -> local.startCounting(Long.parseLong(words[1])).map(v -> new JsonObject());
        case DELIVERIES -> local.awaitDeliveries(Long.parseLong(words[1]), Long.parseLong(words[2]))
            .map(shares -> shares.get(0).toJson());
        default -> Future.failedFuture("unknown command: " + command);
      };
    } catch (RuntimeException e) { // a missing or malformed number
      return Future.failedFuture("malformed command: " + command);
    }
  }
}
