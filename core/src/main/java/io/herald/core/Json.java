package io.herald.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;

/**
 * Reads the fields of client requests (/ws frames and HTTP bodies alike) and turns every
 * malformed value into a {@link HeraldException} with the protocol's error code.
 */
public final class Json {

  private static final JsonFactory FACTORY = new JsonFactory();

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

  /**
   * The {@code data} field, required (it may be null) and at most {@code maxBytes} long, as the exact
   * bytes the publisher sent: cut out of {@code raw}, the request {@code o} was parsed from, so the
   * value is never re-encoded (numbers keep their form, strings their escapes).
   */
  public static Buffer data(JsonObject o, Buffer raw, int maxBytes) {
    if (!o.containsKey("data")) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "missing field: data");
    }
    return checkDataSize(rawField(raw, "data"), maxBytes);
  }

  /** {@code data} itself, or {@code message_too_large} when it is over {@code maxBytes}. */
  public static Buffer checkDataSize(Buffer data, int maxBytes) {
    if (data.length() > maxBytes) {
      throw new HeraldException(ErrorCode.MESSAGE_TOO_LARGE, "data is " + data.length() + " bytes, the limit is " + maxBytes);
    }
    return data;
  }

  /** The bytes of a top-level field's value in a valid JSON object (the last one, as JsonObject keeps). */
  private static Buffer rawField(Buffer raw, String field) {
    Buffer found = null;
    try (JsonParser parser = FACTORY.createParser(raw.getBytes())) {
      parser.nextToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        long start = parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        parser.finishToken();
        if (field.equals(name)) {
          found = raw.getBuffer((int) start, (int) parser.currentLocation().getByteOffset());
        }
      }
    } catch (IOException e) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "not valid JSON");
    }
    if (found == null) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "missing field: " + field);
    }
    return found;
  }

  /** The optional {@code since} position: {@code {"epoch": e, "offset": n}}; null when absent. */
  public static StreamPosition since(JsonObject o) {
    return position(o.getValue("since"), "since");
  }

  /** {@code v} as a position {@code {"epoch": e, "offset": n}} (named {@code name} in errors); null when null. */
  public static StreamPosition position(Object v, String name) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject s)) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, name + " must be an object {epoch, offset}");
    }
    Object offset = s.getValue("offset");
    if (!(offset instanceof Integer || offset instanceof Long) || ((Number) offset).longValue() < 0) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, name + ".offset must be a non-negative integer");
    }
    return new StreamPosition(string(s, "epoch"), ((Number) offset).longValue());
  }
}
