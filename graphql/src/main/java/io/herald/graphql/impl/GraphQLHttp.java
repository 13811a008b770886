package io.herald.graphql.impl;

import graphql.language.OperationDefinition;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.Json;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.AuthFailure;
import io.herald.gateway.auth.Identity;
import io.herald.gateway.auth.NodeAuth;
import io.herald.gateway.limits.ClientAddresses;
import io.herald.gateway.limits.PublishRateTable;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Queries and mutations over HTTP: {@code POST /graphql} with {@code {"query","variables","operationName"}},
 * and {@code GET /graphql?query=} for queries only. Batches are refused; subscriptions need the WebSocket.
 * GraphQL errors (syntax, validation, limits, resolver failures) are answered 200 with {@code errors};
 * a request that is not a GraphQL request at all is answered 400.
 */
final class GraphQLHttp implements Handler<RoutingContext> {

  private final GraphQLEngine engine;
  private final GraphQLMetrics metrics;
  private final NodeAuth auth;
  private final PublishRateTable publishRate;
  private final ClientAddresses addresses;

  GraphQLHttp(GraphQLEngine engine, GraphQLMetrics metrics, NodeAuth auth, PublishRateTable publishRate,
              ClientAddresses addresses) {
    this.engine = engine;
    this.metrics = metrics;
    this.auth = auth;
    this.publishRate = publishRate;
    this.addresses = addresses;
  }

  /** Who calls: {@code identity} null when anonymous. */
  private record Caller(Identity identity) {
    GraphQLEngine.ChannelAccess access(NodeAuth auth) {
      return GraphQLEngine.ChannelAccess.of(auth.permissions(), identity, channel -> false);
    }
  }

  /**
   * The caller: anonymous, or the identity of an {@code Authorization: Bearer <JWT>}; null after answering 401
   * (a bad token, or none when auth is required).
   */
  private Caller caller(RoutingContext ctx) {
    Identity identity = null;
    String header = ctx.request().getHeader("Authorization");
    String token = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : null;
    String refused = null;
    if (auth.verifier().enabled() && token != null) {
      try {
        identity = auth.verifier().verify(token);
      } catch (AuthFailure e) {
        refused = e.getMessage();
      }
    } else if (auth.required()) {
      refused = AuthFailure.Reason.TOKEN_REQUIRED.text();
    }
    if (refused != null) {
      auth.logFailure("graphql-http", null, null,
          addresses.client(ctx.request()), ctx.request().getHeader("Origin"), refused);
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      reply(ctx, 401, errors("unauthorized: " + refused, ErrorCode.UNAUTHORIZED.wire()));
      return null;
    }
    return new Caller(identity);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String query;
    String operationName;
    Map<String, Object> variables;
    boolean get = ctx.request().method() == HttpMethod.GET;
    try {
      if (get) {
        query = ctx.request().getParam("query");
        operationName = ctx.request().getParam("operationName");
        String vars = ctx.request().getParam("variables");
        variables = vars == null || vars.isEmpty() ? Map.of() : Json.object(Buffer.buffer(vars)).getMap();
      } else {
        Buffer body = ctx.body().buffer();
        if (body != null && body.length() > 0 && body.getByte(0) == '[') {
          throw new HeraldException(ErrorCode.BAD_REQUEST, "batched requests are not supported");
        }
        JsonObject request = Json.object(body == null ? Buffer.buffer() : body);
        query = request.getValue("query") instanceof String s ? s : null;
        operationName = request.getValue("operationName") instanceof String s ? s : null;
        Object vars = request.getValue("variables");
        if (vars != null && !(vars instanceof JsonObject)) {
          throw new HeraldException(ErrorCode.BAD_REQUEST, "variables must be an object");
        }
        variables = vars == null ? Map.of() : ((JsonObject) vars).getMap();
      }
      if (query == null || query.isBlank()) {
        throw new HeraldException(ErrorCode.BAD_REQUEST, "a query is required");
      }
    } catch (HeraldException e) {
      reply(ctx, 400, errors(e.getMessage(), e.code().wire()));
      return;
    }
    Caller caller = caller(ctx);
    if (caller == null) {
      return;
    }
    GraphQLEngine.Prepared prepared = engine.prepare(query, operationName, variables, caller.access(auth));
    String type = prepared.operation() == null ? "unknown" : prepared.type().name().toLowerCase(Locale.ROOT);
    if (prepared.failed()) {
      metrics.operation(type, "error");
      JsonArray errors = new JsonArray();
      prepared.errors().forEach(e -> errors.add(new JsonObject(e.toSpecification())));
      reply(ctx, 200, new JsonObject().put("errors", errors));
      return;
    }
    metrics.measured(prepared.measures());
    if (prepared.type() == OperationDefinition.Operation.SUBSCRIPTION) {
      metrics.operation(type, "error");
      reply(ctx, 400, errors("subscriptions run over a graphql-transport-ws WebSocket at /graphql", "bad_request"));
      return;
    }
    if (get && prepared.type() == OperationDefinition.Operation.MUTATION) {
      metrics.operation(type, "error");
      ctx.response().putHeader("Allow", "POST");
      reply(ctx, 405, errors("mutations need POST", ErrorCode.METHOD_NOT_ALLOWED.wire()));
      return;
    }
    if (prepared.type() == OperationDefinition.Operation.MUTATION && !publishAllowed(ctx, caller, prepared)) {
      metrics.operation(type, "error");
      reply(ctx, 429, errors("over " + HeraldConfig.WS_PUBLISH_RATE.key() + ": slow down", ErrorCode.RATE_LIMITED.wire()));
      return;
    }
    engine.execute(prepared).whenComplete((result, failure) -> ctx.vertx().runOnContext(v -> {
      if (failure != null) {
        metrics.operation(type, "error");
        reply(ctx, 500, errors("internal error", ErrorCode.INTERNAL.wire()));
      } else {
        metrics.operation(type, result.getErrors().isEmpty() ? "ok" : "error");
        reply(ctx, 200, new JsonObject(result.toSpecification()));
      }
    }));
  }

  /**
   * An HTTP request has no connection to hold a publish rate: the node's table holds one per user, or per
   * address when anonymous. A mutation takes a token per publish it selects, fragments and aliases expanded.
   */
  private boolean publishAllowed(RoutingContext ctx, Caller caller, GraphQLEngine.Prepared prepared) {
    return publishRate.allow(caller.identity() == null ? null : caller.identity().user(), addresses.client(ctx.request()),
        ctx.request().getHeader("Origin"), Math.max(1, prepared.measures().publishes()));
  }

  /**
   * In production mode {@code POST /graphql} takes only {@code Content-Type: application/json}: a form or
   * text/plain POST is what a page of another site can send without a CORS preflight.
   */
  static void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mime = type == null ? "" : type.split(";", 2)[0].trim();
    if (mime.equalsIgnoreCase("application/json")) {
      ctx.next();
    } else {
      reply(ctx, 415, errors("POST /graphql takes Content-Type: application/json",
          ErrorCode.UNSUPPORTED_MEDIA_TYPE.wire()));
    }
  }

  private static JsonObject errors(String message, String code) {
    return new JsonObject().put("errors", new JsonArray(List.of(new JsonObject().put("message", message)
        .put("extensions", new JsonObject().put("code", code)))));
  }

  private static void reply(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
    }
  }
}
