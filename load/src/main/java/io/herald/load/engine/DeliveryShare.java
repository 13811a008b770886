package io.herald.load.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What one process's subscribers counted of one measured stretch, from their {@link DeliveryLedger}s: distinct
 * deliveries, missing, duplicated and out-of-order keys, and the stretch's latencies. The same figure whether the
 * subscribers are in this process or in a client process ({@link RemoteAudience}), which sends it as JSON with the
 * histogram encoded; {@link #merge} adds the processes' shares up into one.
 */
public record DeliveryShare(int process, long subscribers, long delivered, long missing, long duplicated,
                            long outOfOrder, long errors, LatencyRecorder latency) {

  /** The share of {@code subs}, whose ledgers count keys up to {@code lastKey}. */
  public static DeliveryShare of(int process, Subscribers subs, long lastKey) {
    long delivered = 0;
    long missing = 0;
    long duplicated = 0;
    long outOfOrder = 0;
    for (Subscribers.Subscriber s : subs.all()) {
      DeliveryLedger ledger = s.ledger();
      delivered += ledger.delivered();
      missing += ledger.missing(lastKey);
      duplicated += ledger.duplicated();
      outOfOrder += ledger.outOfOrder();
    }
    return new DeliveryShare(process, subs.all().size(), delivered, missing, duplicated, outOfOrder, subs.errors(),
        subs.latency());
  }

  /** The processes' shares as one: counts added, latencies merged (percentiles of every delivery); one share is itself. */
  public static DeliveryShare merge(List<DeliveryShare> shares) {
    if (shares.size() == 1) {
      return shares.get(0);
    }
    DeliveryShare all = new DeliveryShare(-1, 0, 0, 0, 0, 0, 0, new LatencyRecorder());
    for (DeliveryShare s : shares) {
      all = all.combine(s, all.subscribers + s.subscribers, all.errors + s.errors);
    }
    return all;
  }

  /**
   * Two stretches of the same processes as one (bursts added up), process by process: the subscribers are the same
   * ones, and error events, counted since they opened, are the later count.
   */
  public static List<DeliveryShare> plusEach(List<DeliveryShare> earlier, List<DeliveryShare> later) {
    List<DeliveryShare> sum = new ArrayList<>();
    for (int i = 0; i < Math.max(earlier.size(), later.size()); i++) {
      DeliveryShare a = i < earlier.size() ? earlier.get(i) : null;
      DeliveryShare b = i < later.size() ? later.get(i) : null;
      sum.add(a == null ? b : b == null ? a : a.combine(b, Math.max(a.subscribers, b.subscribers), b.errors));
    }
    return sum;
  }

  private DeliveryShare combine(DeliveryShare o, long subscriberCount, long errorCount) {
    LatencyRecorder merged = new LatencyRecorder();
    merged.add(latency);
    merged.add(o.latency);
    return new DeliveryShare(process, subscriberCount, delivered + o.delivered, missing + o.missing,
        duplicated + o.duplicated, outOfOrder + o.outOfOrder, errorCount, merged);
  }

  public JsonObject toJson() {
    return new JsonObject().put("process", process).put("subscribers", subscribers).put("delivered", delivered)
        .put("missing", missing).put("duplicated", duplicated).put("out_of_order", outOfOrder).put("errors", errors)
        .put("latency_histogram", latency.encode());
  }

  public static DeliveryShare fromJson(JsonObject json) {
    return new DeliveryShare(json.getInteger("process"), json.getLong("subscribers"), json.getLong("delivered"),
        json.getLong("missing"), json.getLong("duplicated"), json.getLong("out_of_order"), json.getLong("errors"),
        LatencyRecorder.decode(json.getString("latency_histogram")));
  }

  /** One line of a result's per-process list. */
  public JsonObject summary() {
    LatencyRecorder.Summary s = latency.summary();
    return new JsonObject().put("process", process).put("subscribers", subscribers).put("delivered", delivered)
        .put("missing", missing).put("duplicated", duplicated).put("out_of_order", outOfOrder)
        .put("latency_count", s.count()).put("latency_median_ms", s.median()).put("latency_p99_ms", s.p99());
  }

  /** The per-process list of a result. */
  public static JsonArray summaries(List<DeliveryShare> shares) {
    JsonArray list = new JsonArray();
    shares.forEach(s -> list.add(s.summary()));
    return list;
  }
}
