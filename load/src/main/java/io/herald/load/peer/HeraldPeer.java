package io.herald.load.peer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.List;

/**
 * Herald: {@code POST /api/publish} with {@code {"channel","data"}}, answered with the message's offset;
 * subscribers on {@code /ws} (a {@code subscribe} frame, {@code subscribed}, then {@code message} frames) or on
 * {@code /graphql} (graphql-transport-ws: {@code connection_init}, {@code connection_ack}, {@code subscribe},
 * {@code next}). The ledger counts channel offsets. Batched /ws subscribers ({@link #batched}) connect with
 * {@code ?batch=true} and read {@code messages} frames too.
 */
public final class HeraldPeer implements Peer {

  private static final String GRAPHQL_QUERY = "subscription($c: String!) { messages(channel: $c) { offset data } }";
  private static final String GRAPHQL_REPLAY_QUERY = "subscription($c: String!, $s: Long, $e: String) "
      + "{ messages(channel: $c, sinceOffset: $s, epoch: $e) { offset data } }";

  private final boolean graphql;
  private final String replayEpoch;
  private final long replayAfter;
  private final boolean batchFrames;

  /** {@code graphql} false: {@code /ws} subscribers; true: GraphQL subscribers. */
  public HeraldPeer(boolean graphql) {
    this(graphql, null, 0, false);
  }

  private HeraldPeer(boolean graphql, String replayEpoch, long replayAfter, boolean batchFrames) {
    this.graphql = graphql;
    this.replayEpoch = replayEpoch;
    this.replayAfter = replayAfter;
    this.batchFrames = batchFrames;
  }

  /** /ws subscribers that ask for {@code messages} frames: a batching window's deliveries (batch_ms) in one. */
  public static HeraldPeer batched() {
    return new HeraldPeer(false, null, 0, true);
  }

  /**
   * GraphQL subscribers that ask for the messages after {@code offset} of {@code epoch} ({@code sinceOffset}):
   * with a marker published just after that offset, its replay is the frame that confirms each subscription
   * live, which graphql-transport-ws does not otherwise say.
   */
  public static HeraldPeer graphqlReplayingAfter(String epoch, long offset) {
    return new HeraldPeer(true, epoch, offset, false);
  }

  @Override
  public Kind kind() {
    return Kind.HERALD;
  }

  @Override
  public boolean keysByOffset() {
    return true;
  }

  @Override
  public RequestOptions publishRequest(URI node, String channel) {
    // A production node reads only application/json bodies.
    return new RequestOptions().setMethod(HttpMethod.POST).setHost(node.getHost()).setPort(node.getPort())
        .setURI("/api/publish").putHeader("Content-Type", "application/json");
  }

  @Override
  public Buffer publishBody(String channel, String dataJson) {
    return Buffer.buffer("{\"channel\":\"" + channel + "\",\"data\":" + dataJson + "}");
  }

  @Override
  public long publishAnswer(int status, Buffer body) {
    if (status != 200) {
      throw new IllegalStateException("publish answered " + status + ": " + body);
    }
    return body.toJsonObject().getLong("offset");
  }

  @Override
  public boolean batches() {
    return true;
  }

  @Override
  public Buffer publishBatchBody(String channel, List<String> dataJson) {
    Buffer body = Buffer.buffer(32 + dataJson.size() * (channel.length() + 48)).appendString("{\"messages\":[");
    for (int i = 0; i < dataJson.size(); i++) {
      body.appendString(i == 0 ? "{\"channel\":\"" : ",{\"channel\":\"").appendString(channel)
          .appendString("\",\"data\":").appendString(dataJson.get(i)).appendString("}");
    }
    return body.appendString("]}");
  }

  @Override
  public long publishBatchAnswer(int status, Buffer body) {
    if (status != 200) {
      throw new IllegalStateException("publish answered " + status + ": " + body);
    }
    long highest = -1;
    for (Object result : body.toJsonObject().getJsonArray("results")) {
      JsonObject r = (JsonObject) result;
      if (r.containsKey("error")) {
        throw new IllegalStateException("a batched message was refused: " + r.encode());
      }
      highest = Math.max(highest, r.getLong("offset"));
    }
    return highest;
  }

  @Override
  public WebSocketConnectOptions subscribeOptions(URI node, String channel) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(node.getHost()).setPort(node.getPort())
        .setURI(graphql ? "/graphql" : batchFrames ? "/ws?batch=true" : "/ws");
    if (graphql) {
      options.addSubProtocol("graphql-transport-ws");
    }
    return options;
  }

  @Override
  public boolean confirmsSubscription() {
    return !graphql || replayEpoch != null;
  }

  @Override
  public List<String> openingFrames(String channel) {
    return List.of(graphql
        ? new JsonObject().put("type", "connection_init").encode()
        : new JsonObject().put("type", "subscribe").put("id", 1).put("channel", channel).encode());
  }

  @Override
  public Frame parse(String text, String channel) {
    JsonObject frame = new JsonObject(text);
    String type = frame.getString("type");
    if ("message".equals(type)) {
      return Frame.message(frame.getLong("offset"), frame.getValue("data"));
    } else if ("messages".equals(type)) {
      List<Frame> items = new java.util.ArrayList<>();
      for (Object item : frame.getJsonArray("items")) {
        JsonObject m = (JsonObject) item;
        items.add(Frame.message(m.getLong("offset"), m.getValue("data")));
      }
      return Frame.messages(items);
    } else if ("next".equals(type)) {
      JsonObject m = frame.getJsonObject("payload").getJsonObject("data").getJsonObject("messages");
      return Frame.message(m.getLong("offset"), m.getValue("data"));
    } else if ("subscribed".equals(type)) {
      return Frame.subscribed();
    } else if ("connection_ack".equals(type)) {
      // graphql-transport-ws has no "subscribed": a marker message (replayed, or the scenario's) confirms it.
      JsonObject variables = new JsonObject().put("c", channel);
      if (replayEpoch != null) {
        variables.put("s", replayAfter).put("e", replayEpoch);
      }
      return Frame.reply(new JsonObject().put("id", "1").put("type", "subscribe").put("payload", new JsonObject()
          .put("query", replayEpoch != null ? GRAPHQL_REPLAY_QUERY : GRAPHQL_QUERY).put("variables", variables))
          .encode());
    } else if ("error".equals(type)) {
      return Frame.error();
    }
    return Frame.other();
  }
}
