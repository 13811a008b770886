package io.herald.load.attack;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of outcomes by name (an error code, a close code, an HTTP status), safe from any thread. */
final class Tally {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(String outcome) {
    counts.computeIfAbsent(outcome, k -> new LongAdder()).increment();
  }

  long get(String outcome) {
    LongAdder count = counts.get(outcome);
    return count == null ? 0 : count.sum();
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    new TreeMap<>(counts).forEach((k, v) -> json.put(k, v.sum()));
    return json;
  }
}
