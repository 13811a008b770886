package io.herald.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3.1 description of the HTTP API, {@code GET /api/openapi.json}: the file {@value #RESOURCE} on the
 * classpath (source: gateway-verticle/src/main/resources), read once, when the first gateway mounts the API, and
 * served as it is. A missing or malformed file stops the node's start.
 */
final class OpenApiDocument {

  /** Where the API serves it: under {@code /api/*}, so wherever the API is and behind the same API-key rule. */
  static final String PATH = "/api/openapi.json";
  static final String RESOURCE = "openapi/herald.json";

  private static final byte[] DOCUMENT = load();

  private OpenApiDocument() {
  }

  /** Serves the document; asking for the handler reads the file (at mount, so at the node's start). */
  static Handler<RoutingContext> handler() {
    // A new buffer per response: a response may own the buffer it writes.
    return ctx -> ctx.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(DOCUMENT));
  }

  private static byte[] load() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is not on the classpath");
      }
      byte[] bytes = in.readAllBytes();
      new JsonObject(Buffer.buffer(bytes)); // fails here, at startup, on a malformed file
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (DecodeException e) {
      throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is not a JSON object: " + e.getMessage(), e);
    }
  }
}
