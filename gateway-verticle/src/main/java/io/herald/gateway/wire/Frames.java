package io.herald.gateway.wire;

import io.herald.core.ClientInfo;
import io.herald.core.ErrorCode;
import io.herald.core.HistoryPage;
import io.herald.core.Message;
import io.herald.core.StreamPosition;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Server-to-client /ws frames other than {@code message} (which {@link Message#frame()} encodes). */
public final class Frames {

  private Frames() {
  }

  public static Buffer connected(Long id, String client, String node, long pingIntervalMs, String user) {
    JsonObject f = reply("connected", id).put("client", client).put("node", node).put("ping_interval_ms", pingIntervalMs);
    if (user != null) {
      f.put("user", user);
    }
    return f.toBuffer();
  }

  /** Reply to {@code refresh}: {@code expires_at} is when the new token expires (epoch ms), absent without exp. */
  public static Buffer refreshed(Long id, String user, long expiresAtMs) {
    JsonObject f = reply("refreshed", id).put("user", user);
    if (expiresAtMs > 0) {
      f.put("expires_at", expiresAtMs);
    }
    return f.toBuffer();
  }

  /** Reply to {@code sub_refresh}: {@code expires_at} is when the new subscription token expires, absent without exp. */
  public static Buffer subRefreshed(Long id, String channel, long expiresAtMs) {
    JsonObject f = reply("sub_refreshed", id).put("channel", channel);
    if (expiresAtMs > 0) {
      f.put("expires_at", expiresAtMs);
    }
    return f.toBuffer();
  }

  public static Buffer subscribed(Long id, String channel, StreamPosition position, Boolean recovered) {
    JsonObject f = reply("subscribed", id).put("channel", channel).put("epoch", position.epoch())
        .put("offset", position.offset());
    if (recovered != null) {
      f.put("recovered", recovered);
    }
    return f.toBuffer();
  }

  public static Buffer unsubscribed(Long id, String channel, String reason) {
    JsonObject f = reply("unsubscribed", id).put("channel", channel);
    if (reason != null) {
      f.put("reason", reason);
    }
    return f.toBuffer();
  }

  /** A publish's result; a repeat of an idempotency key says {@code "duplicate": true} (absent otherwise). */
  public static Buffer published(Long id, String channel, StreamPosition position, boolean duplicate) {
    JsonObject reply = reply("published", id).put("channel", channel).put("epoch", position.epoch())
        .put("offset", position.offset());
    return (duplicate ? reply.put("duplicate", true) : reply).toBuffer();
  }

  public static Buffer history(Long id, String channel, HistoryPage page) {
    return history(id, channel, page, Integer.MAX_VALUE, true);
  }

  /**
   * The history reply, its messages cut to about {@code maxBytes} of JSON (ws.max_reply_bytes; at least one
   * message): the newest ones when {@code keepNewest} (a request without {@code since}), else the first
   * ones after {@code since}, so the client can ask again from the last it got. A cut reply says
   * {@code "truncated":true}.
   */
  public static Buffer history(Long id, String channel, HistoryPage page, int maxBytes, boolean keepNewest) {
    List<Message> messages = page.messages();
    int kept = 0;
    long bytes = 0;
    while (kept < messages.size()) {
      Message m = messages.get(keepNewest ? messages.size() - 1 - kept : kept);
      bytes += m.data().length() + m.channel().length() + m.epoch().length() + MESSAGE_JSON_OVERHEAD;
      if (bytes > maxBytes && kept > 0) {
        break;
      }
      kept++;
    }
    boolean truncated = kept < messages.size();
    if (truncated) {
      messages = keepNewest ? messages.subList(messages.size() - kept, messages.size()) : messages.subList(0, kept);
    }
    Buffer out = Buffer.buffer(256);
    out.appendString("{\"type\":\"history\",");
    if (id != null) {
      out.appendString("\"id\":").appendString(id.toString()).appendString(",");
    }
    out.appendString("\"channel\":\"").appendString(channel).appendString("\",\"epoch\":\"")
        .appendString(page.epoch()).appendString("\",\"messages\":");
    appendMessages(out, messages);
    return (truncated ? out.appendString(",\"truncated\":true") : out).appendString("}");
  }

  /** A message's JSON besides its data, channel and epoch: field names, offset, ts. */
  private static final int MESSAGE_JSON_OVERHEAD = 80;

  /** Appends {@code [message, ...]}; shared with the HTTP API so history looks the same everywhere. */
  public static Buffer appendMessages(Buffer out, List<Message> messages) {
    out.appendByte((byte) '[');
    for (int i = 0; i < messages.size(); i++) {
      if (i > 0) {
        out.appendByte((byte) ',');
      }
      messages.get(i).appendJson(out);
    }
    return out.appendByte((byte) ']');
  }

  /** {@code {"type":"messages","items":[...]}}: message frames a batching window held, joined without re-encoding. */
  public static Buffer messages(List<Buffer> frames) {
    int size = 32;
    for (Buffer f : frames) {
      size += f.length() + 1;
    }
    Buffer out = Buffer.buffer(size).appendString("{\"type\":\"messages\",\"items\":[");
    for (int i = 0; i < frames.size(); i++) {
      if (i > 0) {
        out.appendByte((byte) ',');
      }
      out.appendBuffer(frames.get(i));
    }
    return out.appendString("]}");
  }

  public static Buffer presence(Long id, String channel, List<ClientInfo> clients) {
    return reply("presence", id).put("channel", channel).put("clients", clients(clients)).toBuffer();
  }

  public static JsonArray clients(List<ClientInfo> clients) {
    JsonArray array = new JsonArray();
    for (ClientInfo c : clients) {
      JsonObject client = new JsonObject().put("client", c.client()).put("user", c.user()).put("node", c.node());
      array.add(c.info() == null ? client : client.put("info", new JsonObject(c.info())));
    }
    return array;
  }

  /** A {@code join} or {@code leave} push; {@code user} is its last field (see {@link #withoutUser}). */
  public static Buffer presenceEvent(String type, String channel, ClientInfo client) {
    return new JsonObject().put("type", type).put("channel", channel).put("client", client.client())
        .put("user", client.user()).toBuffer();
  }

  /**
   * A {@link #presenceEvent} with its user made null, for subscribers who may not see users. The push is
   * encoded once for every subscriber; cutting its last field costs no parse. A {@code ,"user":} with an
   * unescaped quote cannot occur inside a JSON string, so the last one is the field.
   */
  public static Buffer withoutUser(Buffer presenceEvent) {
    String json = presenceEvent.toString(StandardCharsets.UTF_8);
    int at = json.lastIndexOf(USER_FIELD);
    return at < 0 ? presenceEvent : Buffer.buffer(json.substring(0, at) + USER_FIELD + "null}");
  }

  private static final String USER_FIELD = ",\"user\":";

  public static Buffer pong(Long id) {
    return reply("pong", id).toBuffer();
  }

  public static Buffer error(Long id, ErrorCode code, String message, String channel) {
    JsonObject f = reply("error", id).put("code", code.wire()).put("message", message);
    if (channel != null) {
      f.put("channel", channel);
    }
    return f.toBuffer();
  }

  private static JsonObject reply(String type, Long id) {
    JsonObject f = new JsonObject().put("type", type);
    if (id != null) {
      f.put("id", id);
    }
    return f;
  }
}
