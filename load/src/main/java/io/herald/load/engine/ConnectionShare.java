package io.herald.load.engine;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What one client process of a multi-process {@code connections} run (or of a fan-out run, its subscribers) reports
 * to the parent: the share of connections it opened, how many subscribed, its error and disconnect events, and its connect+subscribe
 * times as an encoded HdrHistogram. {@link #merge} adds the shares up into one figure.
 */
public record ConnectionShare(int process, long connections, long subscribed, long errorEvents, long disconnects,
                              JsonObject disconnectCodes, LatencyRecorder setupTimes) {

  public JsonObject toJson() {
    return new JsonObject().put("process", process).put("connections", connections).put("subscribed", subscribed)
        .put("error_events", errorEvents).put("disconnects", disconnects).put("disconnect_codes", disconnectCodes)
        .put("setup_histogram", setupTimes.encode());
  }

  public static ConnectionShare fromJson(JsonObject json) {
    return new ConnectionShare(json.getInteger("process"), json.getLong("connections"), json.getLong("subscribed"),
        json.getLong("error_events"), json.getLong("disconnects"), json.getJsonObject("disconnect_codes", new JsonObject()),
        LatencyRecorder.decode(json.getString("setup_histogram")));
  }

  /** Connections of this share whose subscription was never confirmed. */
  public long failed() {
    return connections - subscribed;
  }

  /** The shares added up: counts summed, histograms merged (so percentiles are of every connection). */
  public static ConnectionShare merge(List<ConnectionShare> shares) {
    LatencyRecorder all = new LatencyRecorder();
    long connections = 0;
    long subscribed = 0;
    long errors = 0;
    long disconnects = 0;
    JsonObject codes = new JsonObject();
    for (ConnectionShare s : shares) {
      connections += s.connections;
      subscribed += s.subscribed;
      errors += s.errorEvents;
      disconnects += s.disconnects;
      s.disconnectCodes.forEach(e -> codes.put(e.getKey(), codes.getLong(e.getKey(), 0L) + ((Number) e.getValue()).longValue()));
      all.add(s.setupTimes);
    }
    return new ConnectionShare(-1, connections, subscribed, errors, disconnects, codes, all);
  }

  /** One line of the result's per-process list. */
  public JsonObject summary() {
    LatencyRecorder.Summary s = setupTimes.summary();
    return new JsonObject().put("process", process).put("connections", connections).put("subscribed", subscribed)
        .put("errors", failed()).put("error_events", errorEvents).put("disconnects", disconnects)
        .put("connect_median_ms", s.median())
        .put("connect_p99_ms", s.p99()).put("connect_max_ms", s.max());
  }

  /** Splits {@code total} into {@code parts} whole shares that differ by at most one, larger ones first. */
  public static int[] split(int total, int parts) {
    int[] shares = new int[parts];
    for (int i = 0; i < parts; i++) {
      shares[i] = total / parts + (i < total % parts ? 1 : 0);
    }
    return shares;
  }
}
