package io.herald.load.peer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Nchan (nginx with libnginx-mod-nchan, configured by {@code load/peers/nchan/nginx.conf}):
 * {@code POST /pub?id=<channel>} with the message's data as the raw body (201 Created when it had
 * subscribers, 202 Accepted when it had none), and WebSocket subscribers on {@code /sub/<channel>} whose
 * text frames are those raw bodies. There is no subscribe confirmation and no offset: the scenario
 * confirms subscribers with a marker message and the ledger counts {@code data.i}.
 */
public final class NchanPeer implements Peer {

  @Override
  public Kind kind() {
    return Kind.NCHAN;
  }

  @Override
  public boolean keysByOffset() {
    return false;
  }

  @Override
  public RequestOptions publishRequest(URI node, String channel) {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost(node.getHost()).setPort(node.getPort())
        .setURI("/pub?id=" + URLEncoder.encode(channel, StandardCharsets.UTF_8))
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
  }

  @Override
  public Buffer publishBody(String channel, String dataJson) {
    return Buffer.buffer(dataJson);
  }

  @Override
  public long publishAnswer(int status, Buffer body) {
    if (status != 201 && status != 202) {
      throw new IllegalStateException("Nchan publish answered " + status + ": " + body);
    }
    return -1;
  }

  @Override
  public WebSocketConnectOptions subscribeOptions(URI node, String channel) {
    return new WebSocketConnectOptions().setHost(node.getHost()).setPort(node.getPort())
        .setURI("/sub/" + URLEncoder.encode(channel, StandardCharsets.UTF_8));
  }

  @Override
  public boolean confirmsSubscription() {
    return false;
  }

  @Override
  public List<String> openingFrames(String channel) {
    return List.of();
  }

  /**
   * A frame is one published body. The publisher's measured messages carry {@code {"t","i"}} and are
   * counted by {@code i}; a JSON object without {@code t} (the marker) is a message without a key, which
   * subscribers take as their confirmation; anything else (not a JSON object, {@code t} without a numeric
   * {@code i}) is an error.
   */
  @Override
  public Frame parse(String text, String channel) {
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      return Frame.error();
    }
    if (!(value instanceof JsonObject data)) {
      return Frame.error();
    }
    if (!data.containsKey("t")) {
      return Frame.message(-1, data);
    }
    if (data.getValue("t") instanceof Number && data.getValue("i") instanceof Number i) {
      return Frame.message(i.longValue(), data);
    }
    return Frame.error();
  }
}
