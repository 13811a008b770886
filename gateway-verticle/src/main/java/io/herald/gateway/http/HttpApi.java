package io.herald.gateway.http;

import io.herald.core.ChannelInfo;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Json;
import io.herald.core.PublishBody.Item;
import io.herald.core.PublishBody;
import io.herald.core.PublishOutcome;
import io.herald.core.PublishRequest;
import io.herald.core.StreamPosition;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.GatewayServices;
import io.herald.gateway.auth.ApiKeys;
import io.herald.gateway.auth.SecurityPolicy;
import io.herald.gateway.limits.ClientAddresses;
import io.herald.gateway.limits.LimitEvents;
import io.herald.gateway.limits.PublishRateTable;
import io.herald.gateway.session.NodeCommands.Command;
import io.herald.gateway.session.NodeCommands;
import io.herald.gateway.wire.Frames;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The backend HTTP API under {@code /api} (docs/protocol.md, "HTTP API"), described by the OpenAPI document it serves
 * ({@link OpenApiDocument}; a route added here goes there too, or OpenApiContractTest fails).
 */
public final class HttpApi {

  private final GatewayServices services;
  private final ApiKeys keys;
  private final int maxData;
  private final int maxBatch;
  private final boolean production;
  private final ClientAddresses addresses;
  /** The node's publish rate table, for anonymous publishes (no API key configured); made on first use. */
  private PublishRateTable publishRate;

  public HttpApi(GatewayServices services, ApiKeys keys) {
    this.services = services;
    this.keys = keys;
    this.maxData = services.config().get(HeraldConfig.MAX_DATA_BYTES);
    this.maxBatch = services.config().get(HeraldConfig.API_MAX_BATCH);
    this.production = SecurityPolicy.production(services.config());
    this.addresses = ClientAddresses.from(services.config());
  }

  public void mount(Router router) {
    // Authentication first, for every method, so an unauthenticated body is never buffered.
    router.route("/api/*").handler(this::authenticate);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(services.config().get(HeraldConfig.HTTP_MAX_BODY_BYTES));
    postJson(router, "/api/publish", body, this::publish);
    postJson(router, "/api/broadcast", body, this::broadcast);
    router.get("/api/channels").handler(json(this::channels));
    router.get("/api/channels/:channel").handler(json(this::channel));
    router.get("/api/channels/:channel/history").handler(this::history);
    router.get("/api/channels/:channel/presence").handler(json(this::presence));
    postJson(router, "/api/disconnect", body, this::disconnect);
    postJson(router, "/api/subscribe", body, this::subscribe);
    postJson(router, "/api/unsubscribe", body, this::unsubscribe);
    router.get("/api/info").handler(json(this::info));
    // The API's description, with the API: where /api/* is served and behind the same key (docs/protocol.md).
    router.get(OpenApiDocument.PATH).handler(OpenApiDocument.handler());
  }

  /** A POST whose body is JSON: the content type is checked on a route of its own (vertx-web wants a route's BodyHandler first). */
  private void postJson(Router router, String path, BodyHandler body, Function<RoutingContext, Future<JsonObject>> handler) {
    router.post(path).handler(this::contentType);
    router.post(path).handler(body).handler(json(handler));
  }

  private void authenticate(RoutingContext ctx) {
    if (!keys.required()) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String presented = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
    // Constant-time comparisons: a key must not leak through response timing.
    if (keys.accepts(presented)) {
      ctx.next();
    } else {
      keys.logRefused(addresses.client(ctx.request()),
          ctx.request().getHeader("Origin"), presented.isEmpty() ? "no API key" : "wrong API key");
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      HttpErrors.send(ctx, ErrorCode.UNAUTHORIZED, "a valid API key is required: Authorization: Bearer <key>");
    }
  }

  /**
   * Bodies are JSON: {@code Content-Type: application/json}, else 415 before the body is read. Outside
   * production mode a body without a type, or typed {@code application/x-www-form-urlencoded} (what
   * {@code curl -d} sends), is read as JSON too; in production only {@code application/json} is, so a
   * browser's cross-site form post (which cannot send that type without a CORS preflight) never is.
   */
  private void contentType(RoutingContext ctx) {
    String header = ctx.request().getHeader("Content-Type");
    String media = header == null ? "" : header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (media.equals("application/json")
        || (!production && (media.isEmpty() || media.equals("application/x-www-form-urlencoded")))) {
      ctx.next();
    } else {
      HttpErrors.send(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, production
          ? "the body must be Content-Type: application/json"
          : "the body must be JSON (Content-Type: application/json)");
    }
  }

  /** Adapts a handler that returns its JSON reply; errors become {@code {"error": ...}} replies. */
  private static io.vertx.core.Handler<RoutingContext> json(Function<RoutingContext, Future<JsonObject>> handler) {
    return ctx -> {
      Future<JsonObject> reply;
      try {
        reply = handler.apply(ctx);
      } catch (HeraldException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.response().putHeader("Content-Type", "application/json").end(ar.result().toBuffer());
        } else {
          HttpErrors.send(ctx, ar.cause());
        }
      });
    };
  }

  private static JsonObject body(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      throw new HeraldException(ErrorCode.BAD_REQUEST, "a JSON body is required");
    }
    return Json.object(raw);
  }

  private Future<JsonObject> publish(RoutingContext ctx) {
    PublishBody body = PublishBody.parse(ctx.body().buffer(), maxBatch, maxData);
    checkPublishRate(ctx, body.items().size());
    if (!body.batch()) {
      Item one = body.items().get(0);
      return services.publish(one.channel(), one.data(), one.idempotencyKey(), true)
          .map(p -> published(one.channel(), p.first(), p.duplicate(0)));
    }
    return publishBatch(body.items());
  }

  /**
   * One request per channel, with that channel's messages in body order: they get consecutive offsets (order kept
   * even while the channel's owner moves); the requests of channels with one owner travel together (one bus round
   * trip per owner). The results come back in body order; a refusal of a channel is the error of each of its
   * messages.
   */
  private Future<JsonObject> publishBatch(List<Item> items) {
    Map<String, List<Integer>> byChannel = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).error() == null) {
        byChannel.computeIfAbsent(items.get(i).channel(), c -> new ArrayList<>()).add(i);
      }
    }
    JsonObject[] results = new JsonObject[items.size()];
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).error() != null) {
        results[i] = HttpErrors.body(items.get(i).error());
      }
    }
    List<PublishRequest> requests = new ArrayList<>(byChannel.size());
    byChannel.forEach((channel, indices) -> {
      List<Buffer> data = new ArrayList<>(indices.size());
      List<String> keys = new ArrayList<>(indices.size());
      indices.forEach(i -> {
        data.add(items.get(i).data());
        keys.add(items.get(i).idempotencyKey());
      });
      requests.add(new PublishRequest(channel, data, keys.stream().anyMatch(Objects::nonNull) ? keys : null));
    });
    List<List<Integer>> indicesByRequest = List.copyOf(byChannel.values());
    return services.publishAll(requests).map(outcomes -> {
      for (int r = 0; r < outcomes.size(); r++) {
        PublishOutcome outcome = outcomes.get(r);
        List<Integer> indices = indicesByRequest.get(r);
        long[] offsets = outcome.succeeded() ? outcome.publication().offsets(indices.size()) : null;
        for (int k = 0; k < indices.size(); k++) {
          results[indices.get(k)] = outcome.succeeded()
              ? published(requests.get(r).channel(), new StreamPosition(outcome.publication().epoch(), offsets[k]),
                  outcome.publication().duplicate(k))
              : HttpErrors.body(outcome.error());
        }
      }
      return new JsonObject().put("results", new JsonArray(List.of(results)));
    });
  }

  private Future<JsonObject> broadcast(RoutingContext ctx) {
    JsonObject body = body(ctx);
    JsonArray channels = Json.array(body, "channels");
    Buffer data = Json.data(body, ctx.body().buffer(), maxData);
    // Checked before anything is published: a request answered 400 must have had no effect.
    for (Object c : channels) {
      if (!(c instanceof String)) {
        throw new HeraldException(ErrorCode.BAD_REQUEST, "channels must be strings");
      }
    }
    checkPublishRate(ctx, Math.max(1, channels.size()));
    List<Future<JsonObject>> results = new ArrayList<>(channels.size());
    for (Object c : channels) {
      String name = (String) c;
      Future<JsonObject> one;
      try {
        one = services.publish(name, data).map(p -> position(name, p));
      } catch (HeraldException e) {
        one = Future.failedFuture(e);
      }
      results.add(one.recover(t -> Future.succeededFuture(new JsonObject().put("channel", name)
          .put("error", HttpErrors.body(t).getJsonObject("error")))));
    }
    return Future.all(results).map(all -> {
      JsonArray out = new JsonArray();
      results.forEach(f -> out.add(f.result()));
      return new JsonObject().put("results", out);
    });
  }

  /**
   * Without an API key anyone may publish here: then each client address gets the publish rate of one /ws
   * connection (ws.publish_rate). With a key the caller is a trusted backend and is not limited.
   */
  private void checkPublishRate(RoutingContext ctx, int messages) {
    if (keys.required()) {
      return;
    }
    if (publishRate == null) {
      publishRate = PublishRateTable.of(ctx.vertx(), services.config(), LimitEvents.of(ctx.vertx(), services.meterRegistry()));
    }
    if (!publishRate.allow(null, addresses.client(ctx.request()), ctx.request().getHeader("Origin"), messages)) {
      throw new HeraldException(ErrorCode.RATE_LIMITED, "over " + HeraldConfig.WS_PUBLISH_RATE.key()
          + " for this address: slow down (a backend publishes with an API key)");
    }
  }

  private static JsonObject position(String channel, StreamPosition p) {
    return new JsonObject().put("channel", channel).put("epoch", p.epoch()).put("offset", p.offset());
  }

  /** A publish result; a repeat of an idempotency key says {@code "duplicate": true} (absent otherwise). */
  private static JsonObject published(String channel, StreamPosition p, boolean duplicate) {
    JsonObject result = position(channel, p);
    return duplicate ? result.put("duplicate", true) : result;
  }

  private Future<JsonObject> channels(RoutingContext ctx) {
    String prefix = ctx.request().getParam("prefix", "");
    return services.presence().channels(prefix).map(list -> {
      JsonArray out = new JsonArray();
      for (ChannelInfo c : list) {
        out.add(new JsonObject().put("name", c.name()).put("subscribers", c.subscribers()));
      }
      return new JsonObject().put("channels", out);
    });
  }

  /** History is written as raw bytes: each message's data goes out exactly as it was published. */
  private void history(RoutingContext ctx) {
    try {
      String channel = Json.validChannel(ctx.pathParam("channel"));
      long sinceOffset = queryLong(ctx, "since_offset", HistoryQuery.LATEST);
      String epoch = ctx.request().getParam("epoch");
      int historySize = Math.max(1, services.config().namespaces().forChannel(channel).historySize());
      int limit = (int) Math.min(queryLong(ctx, "limit", services.config().get(HeraldConfig.HISTORY_DEFAULT_LIMIT)), historySize);
      services.broker().history(new HistoryQuery(channel, sinceOffset, limit)).onComplete(ar -> {
        if (ar.failed()) {
          HttpErrors.send(ctx, ar.cause());
          return;
        }
        HistoryPage page = ar.result();
        if (epoch != null && sinceOffset != HistoryQuery.LATEST && !page.covers(epoch, sinceOffset)) {
          HttpErrors.send(ctx, ErrorCode.RECOVERY_FAILED, "history no longer holds the position");
          return;
        }
        Buffer out = Buffer.buffer(256).appendString("{\"channel\":\"").appendString(channel)
            .appendString("\",\"epoch\":\"").appendString(page.epoch())
            .appendString("\",\"offset\":").appendString(Long.toString(page.latest()))
            .appendString(",\"messages\":");
        Frames.appendMessages(out, page.messages()).appendString("}");
        ctx.response().putHeader("Content-Type", "application/json").end(out);
      });
    } catch (HeraldException e) {
      HttpErrors.send(ctx, e);
    }
  }

  private static long queryLong(RoutingContext ctx, String name, long fallback) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new HeraldException(ErrorCode.BAD_REQUEST, name + " must be a non-negative integer");
  }

  /**
   * A channel's position and the node whose sequencer owns it now (as {@code nats stream info} names a stream's
   * leader): where its publishes are sequenced, whose death moves it.
   */
  private Future<JsonObject> channel(RoutingContext ctx) {
    String channel = Json.validChannel(ctx.pathParam("channel"));
    String member = services.broker().ownerOf(channel);
    Future<String> owner = NodeCommands.askAll(ctx.vertx(), services, Command.INFO, new JsonObject())
        .map(nodes -> nodes.stream().filter(n -> member.equals(n.getString("member"))).map(n -> n.getString("id"))
            .findFirst().orElse(null));
    return services.broker().position(channel).compose(p -> owner.map(id -> position(channel, p).put("owner", id)));
  }

  private Future<JsonObject> presence(RoutingContext ctx) {
    String channel = Json.validChannel(ctx.pathParam("channel"));
    return services.presence().clients(channel)
        .map(clients -> new JsonObject().put("channel", channel).put("clients", Frames.clients(clients)));
  }

  private Future<JsonObject> disconnect(RoutingContext ctx) {
    JsonObject target = target(body(ctx));
    return NodeCommands.askAll(ctx.vertx(), services, Command.DISCONNECT, target)
        .map(answers -> new JsonObject().put("disconnected", sum(answers, "disconnected")));
  }

  /**
   * Subscribes the live /ws connections of a client or user, on every node, as if they had sent {@code subscribe}
   * (from {@code since} when given). The backend decides, so channel permissions are not checked here.
   */
  private Future<JsonObject> subscribe(RoutingContext ctx) {
    JsonObject body = body(ctx);
    JsonObject target = target(body).put("channel", Json.channel(body, "channel"));
    StreamPosition since = Json.since(body);
    if (since != null) {
      target.put("since", body.getJsonObject("since"));
    }
    return NodeCommands.askAll(ctx.vertx(), services, Command.SUBSCRIBE, target)
        .map(answers -> new JsonObject().put("subscribed", sum(answers, "subscribed")));
  }

  private Future<JsonObject> unsubscribe(RoutingContext ctx) {
    JsonObject body = body(ctx);
    JsonObject target = target(body).put("channel", Json.channel(body, "channel"));
    return NodeCommands.askAll(ctx.vertx(), services, Command.UNSUBSCRIBE, target)
        .map(answers -> new JsonObject().put("unsubscribed", sum(answers, "unsubscribed")));
  }

  /** Who a disconnect/unsubscribe body names: {@code {"client": id}} or {@code {"user": id}}. */
  private static JsonObject target(JsonObject body) {
    if (body.containsKey("client")) {
      return new JsonObject().put("client", Json.string(body, "client"));
    }
    if (body.containsKey("user")) {
      return new JsonObject().put("user", Json.string(body, "user"));
    }
    throw new HeraldException(ErrorCode.BAD_REQUEST, "give client or user");
  }

  private static long sum(List<JsonObject> answers, String field) {
    return answers.stream().mapToLong(a -> a.getLong(field, 0L)).sum();
  }

  /** Every member answers for itself, sorted by address; one that does not answer in time is left out. */
  private Future<JsonObject> info(RoutingContext ctx) {
    return NodeCommands.askAll(ctx.vertx(), services, Command.INFO, new JsonObject()).map(answers -> {
      JsonArray nodes = new JsonArray();
      answers.stream().sorted(Comparator.comparing(n -> n.getString("address"))).forEach(nodes::add);
      return new JsonObject().put("nodes", nodes);
    });
  }

}
