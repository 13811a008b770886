package io.herald.load.attack;

import io.vertx.core.json.JsonObject;

/**
 * One abusive client pattern of the {@code hostile} scenario, run for a bounded time against a node:
 * it starts, runs until stopped, and reports what the node answered.
 */
public interface Attack {

  /** Its name in the result and on the command line. */
  String name();

  /** Starts the attack; it runs on the Vert.x instance it was made with until {@link #stop()}. */
  void start();

  /** Stops sending and closes every connection it opened. */
  void stop();

  /** What was sent and what the node answered, by outcome. */
  JsonObject figures();
}
