package io.herald.node.cluster;

import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One-request questions to the members of a {@link NamespaceCluster} over HTTP, each bounded by a short timeout:
 * a member that does not answer (paused, or stuck) gives status 0 instead of holding the test up.
 */
final class MemberProbes {

  static final long TIMEOUT_MS = 4_000;
  /** A history page: as many messages as one request may ask for. */
  private static final int PAGE = 1_000;
  private static final int MAX_PAGES = 200;

  private final NamespaceCluster cluster;
  private final List<HttpApiClient> clients = new ArrayList<>();

  MemberProbes(Vertx vertx, NamespaceCluster cluster) {
    this.cluster = cluster;
    for (NodeProcess node : cluster.nodes()) {
      clients.add(new HttpApiClient(vertx, node.host, node.port, TIMEOUT_MS));
    }
  }

  /** A message of a channel's history, as a member keeps it. */
  record Stored(String epoch, long offset, String data) {
  }

  /** GET /health/ready's status on member {@code m}; 0 when it did not answer. */
  int ready(int member) {
    Response r = ask(member, () -> api(member).get("/health/ready"));
    return r == null ? 0 : r.status();
  }

  /** The node ids /api/info on member {@code m} lists; empty when it did not answer. */
  Set<String> info(int member) {
    Response r = ask(member, () -> api(member).get("/api/info"));
    if (r == null || r.status() != 200) {
      return Set.of();
    }
    JsonArray nodes = r.json().getJsonArray("nodes");
    return nodes.stream().map(n -> ((JsonObject) n).getString("id")).collect(Collectors.toSet());
  }

  /** The members member {@code m} sees ({@code herald_cluster_members}); 0 when it did not answer. */
  int sees(int member) {
    Double members = ask(member, () -> Metrics.value(api(member), "herald_cluster_members"));
    return members == null ? 0 : members.intValue();
  }

  /** POST /api/publish of {@code data} to {@code channel} on member {@code m}; null when it did not answer. */
  Response publish(int member, String channel, JsonObject data) {
    return ask(member, () -> api(member).post("/api/publish", new JsonObject().put("channel", channel).put("data", data)));
  }

  /** GET /api/channels/{channel} on member {@code m} (epoch, offset, owner); null when it did not answer. */
  JsonObject channel(int member, String channel) {
    Response r = channelRoute(member, channel);
    return r == null || r.status() != 200 ? null : r.json();
  }

  /** GET /api/channels/{channel} on member {@code m} as it answered; null when it did not answer. */
  Response channelRoute(int member, String channel) {
    return ask(member, () -> api(member).get("/api/channels/" + channel));
  }

  /** The whole history of {@code channel} as member {@code m} serves it, page by page; null when it did not answer. */
  List<Stored> history(int member, String channel) {
    List<Stored> all = new ArrayList<>();
    long since = 0;
    for (int page = 0; page < MAX_PAGES; page++) {
      long from = since;
      Response r = ask(member, () -> api(member).get("/api/channels/" + channel + "/history?since_offset=" + from + "&limit=" + PAGE));
      if (r == null || r.status() != 200) {
        return null;
      }
      JsonObject body = r.json();
      JsonArray messages = body.getJsonArray("messages");
      for (Object m : messages) {
        JsonObject message = (JsonObject) m;
        all.add(new Stored(message.getString("epoch", body.getString("epoch")), message.getLong("offset"),
            message.getValue("data") instanceof JsonObject data ? data.encode() : String.valueOf(message.getValue("data"))));
      }
      if (messages.isEmpty() || all.get(all.size() - 1).offset() >= body.getLong("offset")) {
        return all;
      }
      since = all.get(all.size() - 1).offset();
    }
    throw new AssertionError("history of " + channel + " on member " + member + " longer than " + MAX_PAGES + " pages");
  }

  private HttpApiClient api(int member) {
    return clients.get(member - 1);
  }

  /** The answer, or null when the member is paused or did not answer in time. */
  private <T> T ask(int member, java.util.function.Supplier<T> request) {
    if (!cluster.reachable(member)) {
      return null;
    }
    try {
      return request.get();
    } catch (IllegalStateException | AssertionError noAnswer) {
      return null;
    }
  }
}
