package io.herald.core;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads the fields of client requests (/ws frames and HTTP bodies alike) and turns every
 * malformed value into a {@link HeraldException} with the protocol's error code.
 */
public final class Json {

  private Json() {
  }

  /** Parses a request: a JSON object, or {@code bad_request}. */
  public static JsonObject object(Buffer raw) {
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(raw);
    } catch (RuntimeException e) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "not valid JSON");
    } catch (StackOverflowError e) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "JSON nested too deeply");
    }
    if (!(value instanceof JsonObject o)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "expected a JSON object");
    }
    return o;
  }

  /** A required, valid channel name. */
  public static String channel(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "missing field: " + field);
    }
    if (!(v instanceof String s)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, field + " must be a string");
    }
    return validChannel(s);
  }

  public static String validChannel(String name) {
    if (!ChannelName.isValid(name)) {
      throw new HeraldException(ErrorCode.INVALID_CHANNEL, "invalid channel name");
    }
    return name;
  }

  /** A required string field. */
  public static String string(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, field + " must be a non-empty string");
    }
    return s;
  }

  /** An optional non-negative integer field; {@code fallback} when absent. */
  public static long nonNegative(JsonObject o, String field, long fallback) {
    Object v = o.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, field + " must be a non-negative integer");
    }
    return ((Number) v).longValue();
  }

  /** An optional JSON array field. */
  public static JsonArray array(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (!(v instanceof JsonArray a)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, field + " must be an array");
    }
    return a;
  }

  /** The {@code data} field as raw JSON, required (it may be null) and at most {@code maxBytes} long. */
  public static Buffer data(JsonObject o, int maxBytes) {
    if (!o.containsKey("data")) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "missing field: data");
    }
    Buffer data = io.vertx.core.json.Json.encodeToBuffer(o.getValue("data"));
    if (data.length() > maxBytes) {
      throw new HeraldException(ErrorCode.MESSAGE_TOO_LARGE, "data is " + data.length() + " bytes, the limit is " + maxBytes);
    }
    return data;
  }

  /** The optional {@code since} position: {@code {"epoch": e, "offset": n}}; null when absent. */
  public static StreamPosition since(JsonObject o) {
    Object v = o.getValue("since");
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject s)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "since must be an object {epoch, offset}");
    }
    Object offset = s.getValue("offset");
    if (!(offset instanceof Integer || offset instanceof Long) || ((Number) offset).longValue() < 0) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "since.offset must be a non-negative integer");
    }
    return new StreamPosition(string(s, "epoch"), ((Number) offset).longValue());
  }
}
