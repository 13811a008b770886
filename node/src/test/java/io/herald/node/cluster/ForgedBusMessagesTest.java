package io.herald.node.cluster;

import io.herald.core.Addresses;
import io.herald.core.ErrorCode;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.PublishBatch;
import io.herald.core.PublishRequest;
import io.herald.core.SequencerOp;
import io.herald.gateway.session.NodeCommands;
import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every handler that takes a channel name (or a command) off the event bus checks it: forged sequencer
 * requests, inbox deliveries and node commands (sent here on the node's own bus, as any member of its
 * cluster could) are refused with {@code bad_request} (requests) or dropped (inbox deliveries), counted in
 * {@code herald_bus_rejected_total{handler}}, and the node keeps serving.
 */
class ForgedBusMessagesTest {

  private static final String NODE = "forge-target";
  private static final String SEQUENCER = Addresses.sequencerShard(NODE, 0);
  private static final String INBOX = Addresses.node(NODE);
  private static final String COMMANDS = Addresses.commands(NODE);
  private static final Buffer DATA = Buffer.buffer("{\"x\":1}");

  /** What the handler must do with the message: answer with a failure code, or drop it silently. */
  record Forged(String what, String address, String handler, Map<String, String> headers, Supplier<Object> body,
                Integer refusedWith) {
    @Override
    public String toString() {
      return what;
    }
  }

  private static Forged sequencer(String what, String op, Map<String, String> more, Supplier<Object> body) {
    Map<String, String> headers = new java.util.HashMap<>(more);
    if (op != null) {
      headers.put(SequencerOp.HEADER, op);
    }
    return new Forged(what, SEQUENCER, "sequencer", headers, body, ErrorCode.BAD_REQUEST.ordinal());
  }

  private static Forged inbox(String what, Map<String, String> headers, Supplier<Object> body) {
    return new Forged(what, INBOX, "inbox", headers, body, null);
  }

  private static Forged command(String what, String cmd, Supplier<Object> body) {
    return new Forged(what, COMMANDS, "commands", cmd == null ? Map.of() : Map.of("cmd", cmd), body, NodeCommands.BAD_REQUEST);
  }

  static final List<Forged> forged = List.of(
      sequencer("publish to a name with a space", "PUBLISH", Map.of(), () -> new PublishRequest("chat:bad name", DATA)),
      sequencer("publish to a 300-character name", "PUBLISH", Map.of(), () -> new PublishRequest("a".repeat(300), DATA)),
      sequencer("publish to an empty name", "PUBLISH", Map.of(), () -> new PublishRequest("", DATA)),
      sequencer("publish of no message", "PUBLISH", Map.of(), () -> new PublishRequest("chat:room", List.of())),
      sequencer("publish with a text body", "PUBLISH", Map.of(), () -> "chat:lobby"),
      sequencer("publish batch with one bad name", "PUBLISH_BATCH", Map.of(), () -> new PublishBatch(List.of(
          new PublishRequest("chat:room", DATA), new PublishRequest("chat:bad name", DATA)))),
      sequencer("publish batch of no request", "PUBLISH_BATCH", Map.of(), () -> new PublishBatch(List.of())),
      sequencer("publish with a 129-character idempotency key", "PUBLISH", Map.of(), () -> new PublishRequest("chat:room",
          List.of(DATA), List.of("k".repeat(129)))),
      sequencer("position of a name with a newline", "POSITION", Map.of(), () -> "chat:lobby\nforged"),
      sequencer("history of a name with a slash", "HISTORY", Map.of(), () -> new HistoryQuery("chat/../x", -1, 10)),
      sequencer("watch without a node", "WATCH", Map.of(), () -> "chat:lobby"),
      sequencer("watch with a control character in the node", "WATCH", Map.of(SequencerOp.NODE, "n\u0000"), () -> "chat:lobby"),
      sequencer("push without a channel header", "PUSH", Map.of(), () -> Buffer.buffer("{}")),
      sequencer("push to a name with a quote", "PUSH", Map.of(SequencerOp.CHANNEL, "chat:\"x"), () -> Buffer.buffer("{}")),
      sequencer("an unknown operation", "DROP", Map.of(), () -> "chat:lobby"),
      sequencer("no operation", null, Map.of(), () -> "chat:lobby"),
      inbox("a message for a name with a space", Map.of(), () -> new Message("chat:bad name", "e", 1, 1, DATA)),
      inbox("a presence frame without a channel", Map.of(), () -> Buffer.buffer("{}")),
      inbox("a presence frame for a name with a tab", Map.of(SequencerOp.CHANNEL, "chat:\tx"), () -> Buffer.buffer("{}")),
      inbox("neither a message nor a frame", Map.of(), () -> new JsonObject().put("channel", "chat:lobby")),
      command("unsubscribe from a name with a space", "UNSUBSCRIBE", () -> new JsonObject().put("user", "u").put("channel", "a b")),
      command("unsubscribe without a channel", "UNSUBSCRIBE", () -> new JsonObject().put("user", "u")),
      command("subscribe to a name with a space", "SUBSCRIBE", () -> new JsonObject().put("user", "u").put("channel", "a b")),
      command("subscribe with since not a position", "SUBSCRIBE", () -> new JsonObject().put("user", "u").put("channel", "c")
          .put("since", "yesterday")),
      command("disconnect naming nobody", "DISCONNECT", JsonObject::new),
      command("disconnect a numeric client", "DISCONNECT", () -> new JsonObject().put("client", 5)),
      command("disconnect with a text body", "DISCONNECT", () -> "everyone"),
      command("an unknown command", "SHUTDOWN", JsonObject::new),
      command("no command", null, JsonObject::new));

  private static TestNode node;
  private static Vertx client;
  private static HttpApiClient http;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("node.id", NODE));
    client = Vertx.vertx();
    http = node.http(client);
  }

  @AfterAll
  static void stop() {
    node.close();
    client.close();
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("forged")
  void isRefusedOrDroppedAndCountedAndTheNodeKeepsServing(Forged forged) throws Exception {
    double before = rejected(forged.handler());
    EventBus bus = node.node().vertx().eventBus();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(5_000);
    forged.headers().forEach(options::addHeader);

    if (forged.refusedWith() != null) {
      Throwable failure = catchThrowable(() -> bus.request(forged.address(), forged.body().get(), options)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertThat(failure).as("answered with a failure, not served and not left unanswered").isNotNull();
      ReplyException reply = (ReplyException) failure.getCause();
      assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
      assertThat(reply.failureCode()).isEqualTo(forged.refusedWith());
    } else {
      bus.send(forged.address(), forged.body().get(), options);
    }

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> rejected(forged.handler()) == before + 1);
    assertNodeServes();
  }

  /** A subscriber still gets what the HTTP API publishes. */
  private static void assertNodeServes() {
    try (WsClient ws = node.connect(client)) {
      ws.subscribe(1, "chat:lobby");
      http.publish("chat:lobby", new JsonObject().put("ok", true));
      assertThat(ws.next("message").getJsonObject("data").getBoolean("ok")).isTrue();
    }
  }

  private static double rejected(String handler) {
    String series = "herald_bus_rejected_total{handler=\"" + handler + "\"";
    return http.get("/metrics").body().toString().lines().filter(l -> l.startsWith(series))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + series + "} in /metrics"));
  }
}
