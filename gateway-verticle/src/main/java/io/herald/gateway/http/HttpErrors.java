package io.herald.gateway.http;

import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code {"error": {"code", "message"}}} replies with the status that goes with the code. */
public final class HttpErrors {

  private HttpErrors() {
  }

  public static void send(RoutingContext ctx, ErrorCode code, String message) {
    send(ctx.response(), code, message);
  }

  public static void send(HttpServerResponse response, ErrorCode code, String message) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(code.httpStatus()).putHeader("Content-Type", "application/json")
        .end(body(code, message).toBuffer());
  }

  public static void send(RoutingContext ctx, Throwable failure) {
    if (failure instanceof HeraldException e) {
      send(ctx, e.code(), e.getMessage());
    } else {
      send(ctx, ErrorCode.INTERNAL, "internal error");
    }
  }

  public static JsonObject body(Throwable failure) {
    return failure instanceof HeraldException e ? body(e.code(), e.getMessage()) : body(ErrorCode.INTERNAL, "internal error");
  }

  public static JsonObject body(ErrorCode code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code.wire()).put("message", message));
  }
}
