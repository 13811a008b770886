package io.herald.graphql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Cuts a member's value out of a JSON text exactly as written, for byte-exact comparisons. */
final class RawJson {

  private static final JsonFactory FACTORY = new JsonFactory();

  private RawJson() {
  }

  /**
   * The text of the value at {@code path} (member names, one per nested object) in the JSON object
   * {@code json}, as it appears there: never decoded and re-encoded.
   */
  static String member(String json, String... path) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new AssertionError("not a JSON object: " + json);
      }
      int depth = 0;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!name.equals(path[depth])) {
          parser.skipChildren();
        } else if (depth == path.length - 1) {
          int start = (int) parser.currentTokenLocation().getByteOffset();
          parser.skipChildren();
          parser.finishToken();
          int end = (int) parser.currentLocation().getByteOffset();
          return new String(bytes, start, end - start, StandardCharsets.UTF_8);
        } else if (value == JsonToken.START_OBJECT) {
          depth++;
        } else {
          break;
        }
      }
      throw new AssertionError("no " + String.join(".", path) + " object member in " + json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
