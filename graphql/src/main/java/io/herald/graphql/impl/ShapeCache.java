package io.herald.graphql.impl;

import java.util.HashMap;
import java.util.Map;

/**
 * The message shapes of one event loop's subscriptions, so subscriptions selecting the same fields
 * share one encoding per message. Shapes are few (a client base uses a handful of queries), and bounded. Used on one event loop only.
 */
final class ShapeCache {

  /** Beyond this many distinct shapes (a client inventing aliases), new ones are used unshared. */
  static final int MAX_SHAPES = 1_000;

  private final Map<String, MessageShape> shapes = new HashMap<>();

  MessageShape intern(MessageShape shape) {
    MessageShape known = shapes.get(shape.key());
    if (known != null) {
      return known;
    }
    if (shapes.size() < MAX_SHAPES) {
      shapes.put(shape.key(), shape);
    }
    return shape;
  }
}
