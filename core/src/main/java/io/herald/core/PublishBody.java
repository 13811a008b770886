package io.herald.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/publish}, read in one streaming pass with no JSON tree: one message
 * {@code {"channel", "data", "idempotency_key"?}} or a batch {@code {"messages": [{"channel", "data",
 * "idempotency_key"?}, ...]}}. Each {@code data} is
 * cut out of the body as the exact bytes sent (never re-encoded). A fault of the body as a whole (not JSON,
 * not an object, both forms or neither, {@code messages} not an array, empty or longer than the batch limit)
 * refuses the request; a fault of one message of a batch is that message's {@link Item#error}, so the others
 * still go out. Of a repeated field the last one counts, as in a {@link io.vertx.core.json.JsonObject}.
 */
public final class PublishBody {

  private static final JsonFactory FACTORY = new JsonFactory();

  /** One message: its channel, data and idempotency key (null: none), or why it cannot be published. */
  public record Item(String channel, Buffer data, String idempotencyKey, HeraldException error) {
  }

  private final boolean batch;
  private final List<Item> items;

  private PublishBody(boolean batch, List<Item> items) {
    this.batch = batch;
    this.items = items;
  }

  /** Whether the body was a batch ({@code messages}), answered with {@code {"results": [...]}}. */
  public boolean batch() {
    return batch;
  }

  /** The messages in body order: one when not a batch. */
  public List<Item> items() {
    return items;
  }

  /**
   * Reads {@code raw}; {@code maxBatch} bounds a batch's messages (checked while reading, so a longer one is not
   * read to its end) and {@code maxData} each message's data.
   *
   * @throws HeraldException {@code bad_request} for a fault of the body as a whole; for a single message, that
   *                         message's error ({@code invalid_channel}, {@code message_too_large}, ...)
   */
  public static PublishBody parse(Buffer raw, int maxBatch, int maxData) {
    if (raw == null || raw.length() == 0) {
      throw bad("a JSON body is required");
    }
    Fields top;
    try (JsonParser parser = FACTORY.createParser(raw.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw bad("expected a JSON object");
      }
      top = fields(parser, raw, maxBatch, maxData, true);
      if (parser.nextToken() != null) {
        throw bad("not valid JSON");
      }
    } catch (IOException e) {
      throw bad("not valid JSON");
    }
    if (top.messages == null) {
      Item one = top.item(maxData);
      if (one.error != null) {
        throw one.error;
      }
      return new PublishBody(false, List.of(one));
    }
    if (top.hasChannel || top.data != null || top.hasKey) {
      throw bad("give channel and data (and idempotency_key), or messages: not both");
    }
    if (top.messages.isEmpty()) {
      throw bad("messages must not be empty");
    }
    return new PublishBody(true, top.messages);
  }

  /** Reads an object's fields, the parser at its START_OBJECT, up to its END_OBJECT; only the top one may batch. */
  private static Fields fields(JsonParser parser, Buffer raw, int maxBatch, int maxData, boolean top) throws IOException {
    Fields f = new Fields();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (name) {
        case "channel" -> {
          f.hasChannel = true;
          f.channel = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          parser.skipChildren();
        }
        case "data" -> {
          long start = parser.currentTokenLocation().getByteOffset();
          parser.skipChildren();
          parser.finishToken();
          f.data = raw.getBuffer((int) start, (int) parser.currentLocation().getByteOffset());
        }
        case "idempotency_key" -> {
          f.hasKey = true;
          f.key = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          parser.skipChildren();
        }
        case "messages" -> {
          if (!top) {
            parser.skipChildren();
          } else if (value != JsonToken.START_ARRAY) {
            throw bad("messages must be an array");
          } else {
            f.messages = messages(parser, raw, maxBatch, maxData);
          }
        }
        default -> parser.skipChildren();
      }
    }
    return f;
  }

  private static List<Item> messages(JsonParser parser, Buffer raw, int maxBatch, int maxData) throws IOException {
    List<Item> items = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (items.size() == maxBatch) {
        throw bad("a batch holds at most " + maxBatch + " messages (api.max_batch)");
      }
      if (token == JsonToken.START_OBJECT) {
        items.add(fields(parser, raw, maxBatch, maxData, false).item(maxData));
      } else {
        parser.skipChildren();
        items.add(new Item(null, null, null, bad("each message must be an object")));
      }
    }
    return items;
  }

  private static HeraldException bad(String message) {
    return new HeraldException(ErrorCode.BAD_REQUEST, message);
  }

  /** What one object said, as read. */
  private static final class Fields {
    boolean hasChannel;
    /** Null when absent or not a string. */
    String channel;
    Buffer data;
    boolean hasKey;
    /** Null when absent or not a string. */
    String key;
    List<Item> messages;

    /** The message these fields make, checked in the order of a single publish's errors. */
    Item item(int maxData) {
      try {
        if (!hasChannel) {
          throw bad("missing field: channel");
        }
        if (channel == null) {
          throw bad("channel must be a string");
        }
        Json.validChannel(channel);
        if (data == null) {
          throw bad("missing field: data");
        }
        Json.checkDataSize(data, maxData);
        if (hasKey && key == null) {
          throw bad("idempotency_key must be a string");
        }
        return new Item(channel, data, PublishRequest.checkKey(key), null);
      } catch (HeraldException e) {
        return new Item(channel, null, null, e);
      }
    }
  }
}
