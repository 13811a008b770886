package io.herald.gateway.hooks;

import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What a backend answered a hook call, checked: exactly one of {@code result}, {@code error} or {@code disconnect}.
 * Anything else (not JSON, a field of the wrong type, a close code out of range) is a {@link BadAnswer}: the call
 * failed, as if the backend were down.
 */
public sealed interface HookAnswer {

  /** The lowest and highest close code a backend may ask for (the application range of RFC 6455). */
  int MIN_DISCONNECT_CODE = 4000;
  int MAX_DISCONNECT_CODE = 4999;
  /** The latest {@code expire_at} taken (year 5138): in milliseconds it stays far from overflowing. */
  long MAX_EXPIRE_AT_S = 100_000_000_000L;

  /**
   * The operation may go on.
   *
   * @param user       connect: who the connection is ("" anonymous); null when the answer names none
   * @param expireAtS  connect, refresh: when the connection expires (unix seconds); 0 never
   * @param info       connect, refresh: what the backend attaches to the connection, or null
   * @param subs       connect: channels the connection is subscribed to at once (valid names), empty for none
   * @param data       publish: the data to publish instead of the client's (JSON), or null to keep it
   */
  record Allow(String user, long expireAtS, JsonObject info, List<String> subs, Buffer data) implements HookAnswer {
  }

  /** The operation is refused with {@code code} (a code of the protocol's vocabulary) and the backend's message. */
  record Refuse(ErrorCode code, String message) implements HookAnswer {
  }

  /** The connection is to be closed with {@code code} (4000–4999) and {@code reason}. */
  record Disconnect(short code, String reason) implements HookAnswer {
  }

  /** A backend answer that breaks the contract. */
  final class BadAnswer extends Exception {
    BadAnswer(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads {@code body}, a hook's 200 answer. */
  static HookAnswer parse(Buffer body) throws BadAnswer {
    JsonObject answer;
    try {
      answer = Json.object(body);
    } catch (HeraldException e) {
      throw new BadAnswer("answer is not a JSON object");
    }
    int fields = (answer.containsKey("result") ? 1 : 0) + (answer.containsKey("error") ? 1 : 0)
        + (answer.containsKey("disconnect") ? 1 : 0);
    if (fields != 1) {
      throw new BadAnswer("answer needs exactly one of result, error, disconnect");
    }
    if (answer.getValue("error") instanceof JsonObject error) {
      return refuse(error);
    }
    if (answer.getValue("disconnect") instanceof JsonObject disconnect) {
      return disconnect(disconnect);
    }
    if (answer.getValue("result") instanceof JsonObject result) {
      return allow(result);
    }
    throw new BadAnswer("result, error and disconnect are JSON objects");
  }

  /** An error's code passes through when the protocol knows it; any other becomes {@code permission_denied}. */
  private static Refuse refuse(JsonObject error) throws BadAnswer {
    String message = optionalString(error, "message");
    String code = optionalString(error, "code");
    ErrorCode known = ErrorCode.PERMISSION_DENIED;
    for (ErrorCode c : ErrorCode.values()) {
      if (c.wire().equals(code)) {
        known = c;
      }
    }
    return new Refuse(known, message == null || message.isEmpty() ? "refused by the backend" : truncated(message));
  }

  private static Disconnect disconnect(JsonObject disconnect) throws BadAnswer {
    if (!(disconnect.getValue("code") instanceof Integer code) || code < MIN_DISCONNECT_CODE || code > MAX_DISCONNECT_CODE) {
      throw new BadAnswer("disconnect.code must be an integer from " + MIN_DISCONNECT_CODE + " to " + MAX_DISCONNECT_CODE);
    }
    String reason = optionalString(disconnect, "reason");
    return new Disconnect(code.shortValue(), reason == null ? "disconnected by the backend" : truncated(reason));
  }

  private static Allow allow(JsonObject result) throws BadAnswer {
    String user = optionalString(result, "user");
    Object expireAt = result.getValue("expire_at");
    boolean unixSeconds = expireAt instanceof Integer || expireAt instanceof Long;
    if (expireAt != null && (!unixSeconds || ((Number) expireAt).longValue() < 0
        || ((Number) expireAt).longValue() > MAX_EXPIRE_AT_S)) {
      throw new BadAnswer("expire_at must be an integer from 0 to " + MAX_EXPIRE_AT_S + " (unix seconds)");
    }
    Object info = result.getValue("info");
    if (info != null && !(info instanceof JsonObject)) {
      throw new BadAnswer("info must be a JSON object");
    }
    List<String> subs = List.of();
    Object rawSubs = result.getValue("subs");
    if (rawSubs != null) {
      if (!(rawSubs instanceof JsonArray array)) {
        throw new BadAnswer("subs must be an array of channel names");
      }
      subs = new ArrayList<>(array.size());
      for (Object channel : array) {
        if (!(channel instanceof String name) || !validChannel(name) || subs.contains(name)) {
          throw new BadAnswer("subs must be distinct valid channel names");
        }
        subs.add(name);
      }
    }
    Buffer data = result.containsKey("data") ? io.vertx.core.json.Json.encodeToBuffer(result.getValue("data")) : null;
    return new Allow(user, expireAt == null ? 0 : ((Number) expireAt).longValue(), (JsonObject) info, List.copyOf(subs), data);
  }

  private static boolean validChannel(String name) {
    try {
      Json.validChannel(name);
      return true;
    } catch (HeraldException e) {
      return false;
    }
  }

  private static String optionalString(JsonObject o, String field) throws BadAnswer {
    Object v = o.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw new BadAnswer(field + " must be a string");
    }
    return (String) v;
  }

  /** A close reason fits a close frame: at most 123 bytes of UTF-8 (cut at a character). */
  private static String truncated(String reason) {
    String r = reason;
    while (r.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }
}
