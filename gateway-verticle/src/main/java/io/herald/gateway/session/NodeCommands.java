package io.herald.gateway.session;

import io.herald.core.Addresses;
import io.herald.core.BusRejections;
import io.herald.core.ChannelName;
import io.herald.core.CloseCode;
import io.herald.core.HeraldException;
import io.herald.core.Json;
import io.herald.core.StreamPosition;
import io.herald.gateway.GatewayServices;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The HTTP API's operations on connections, which every member answers for its own: {@code GET /api/info}
 * (figures), {@code POST /api/disconnect} and {@code /api/unsubscribe} (by client or user id). Any node's
 * API asks all members and adds up the answers, so a backend reaches a client wherever it is connected.
 * A command no node sends (unknown, no JSON body, no client or user, an invalid channel name) is refused
 * with {@value #BAD_REQUEST} and counted ({@link BusRejections}).
 */
public final class NodeCommands {

  /** How long the API waits for a member; one that does not answer in time is left out. */
  static final long TIMEOUT_MS = 2_000;
  private static final String HEADER = "cmd";
  /** Failure code of a refused command (the HTTP status it stands for). */
  public static final int BAD_REQUEST = 400;

  public enum Command { INFO, DISCONNECT, SUBSCRIBE, UNSUBSCRIBE }

  private final GatewayServices services;
  private final BusRejections rejections;

  private NodeCommands(GatewayServices services, BusRejections rejections) {
    this.services = services;
    this.rejections = rejections;
  }

  /** Answers commands for this node, cluster-wide; completes once other members can reach it. */
  public static Future<Void> serve(EventBus bus, GatewayServices services, BusRejections rejections) {
    NodeCommands commands = new NodeCommands(services, rejections);
    return bus.consumer(Addresses.commands(services.membership().self()), commands::handle).completion();
  }

  /** Sends {@code command} to every member; the answers of those that answered in time. */
  public static Future<List<JsonObject>> askAll(Vertx vertx, GatewayServices services, Command command, JsonObject body) {
    EventBus bus = vertx.eventBus();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(TIMEOUT_MS).addHeader(HEADER, command.name());
    List<Future<JsonObject>> answers = services.membership().members().stream()
        .map(member -> bus.<JsonObject>request(Addresses.commands(member), body, options).map(Message::body))
        .toList();
    return Future.join(answers).transform(ar -> Future.succeededFuture(
        answers.stream().filter(Future::succeeded).map(Future::result).toList()));
  }

  private void handle(Message<Object> request) {
    Command command = command(request.headers().get(HEADER));
    String refused = command == null ? "unknown command" : malformed(command, request.body());
    if (refused != null) {
      rejections.reject(BusRejections.Handler.COMMANDS, request.address(), refused);
      request.fail(BAD_REQUEST, refused);
      return;
    }
    JsonObject body = (JsonObject) request.body();
    switch (command) {
      case INFO -> request.reply(services.nodeInfo());
      case DISCONNECT -> {
        List<ClientSession> targets = targets(body);
        targets.forEach(c -> c.runOnLoop(() -> c.close(CloseCode.DISCONNECTED)));
        request.reply(new JsonObject().put("disconnected", targets.size()));
      }
      case SUBSCRIBE -> {
        StreamPosition since = Json.position(body.getValue("since"), "since");
        countOnTargets(request, body, "subscribed", c -> c.subscribeByServer(body.getString("channel"), since));
      }
      case UNSUBSCRIBE -> countOnTargets(request, body, "unsubscribed", c -> c.unsubscribeByServer(body.getString("channel")));
    }
  }

  /** Runs {@code action} on each target connection's loop; answers {@code {field: how many returned true}}. */
  private void countOnTargets(Message<Object> request, JsonObject body, String field, Predicate<ClientSession> action) {
    List<Future<Boolean>> done = new ArrayList<>();
    for (ClientSession c : targets(body)) {
      Promise<Boolean> acted = Promise.promise();
      c.runOnLoop(() -> acted.complete(action.test(c)));
      done.add(acted.future());
    }
    Future.all(done).onComplete(ar -> request.reply(
        new JsonObject().put(field, done.stream().filter(f -> f.succeeded() && f.result()).count())));
  }

  private static Command command(String name) {
    for (Command c : Command.values()) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** Why a command's body is not one the HTTP API sends, or null. */
  private static String malformed(Command command, Object body) {
    if (command == Command.INFO) {
      return null;
    }
    if (!(body instanceof JsonObject json)) {
      return "no JSON body";
    }
    if (!(json.getValue("client") instanceof String) && !(json.getValue("user") instanceof String)) {
      return "no client or user";
    }
    if ((command == Command.SUBSCRIBE || command == Command.UNSUBSCRIBE)
        && !ChannelName.isValid(json.getValue("channel") instanceof String c ? c : null)) {
      return "invalid channel name";
    }
    if (command == Command.SUBSCRIBE) {
      try {
        Json.position(json.getValue("since"), "since");
      } catch (HeraldException e) {
        return e.getMessage();
      }
    }
    return null;
  }

  /** This node's connections a body names: {@code {"client": id}} or {@code {"user": id}} (checked by the API). */
  private List<ClientSession> targets(JsonObject body) {
    List<ClientSession> targets = new ArrayList<>();
    if (body.getValue("client") instanceof String client) {
      ClientSession c = services.connections().get(client);
      if (c != null) {
        targets.add(c);
      }
    } else {
      String user = body.getString("user");
      for (ClientSession c : services.connections().all()) {
        if (user.equals(c.user())) {
          targets.add(c);
        }
      }
    }
    return targets;
  }
}
