package io.herald.gateway.http;

import io.herald.gateway.GatewayServices;
import io.herald.gateway.auth.NodeAuth;
import io.herald.gateway.http.OpenApiValidatingProxy.Exchange;
import io.herald.gateway.http.OpenApiValidatingProxy.Request;
import io.herald.gateway.testing.TestGateway;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.gateway.testing.TestServer;
import io.herald.gateway.testing.WsClient;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.herald.gateway.http.OpenApiValidatingProxy.Request.get;
import static io.herald.gateway.http.OpenApiValidatingProxy.Request.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document against the live API: it is served at {@code /api/openapi.json}; the routes {@link HttpApi}
 * mounts are the document's operations, no more and no fewer; and every route, driven on a real node through
 * {@link OpenApiValidatingProxy} (vertx-openapi's request and response validators), answers as the document says,
 * with its success and its errors. Each documented status is seen answered, but for 500 (the node answers it only
 * when its broker fails).
 */
class OpenApiContractTest {

  private static final String KEY = "openapi-test-key";
  private static final int MAX_DATA = 256;
  private static final int MAX_BODY = 4096;

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withSettings(Map.of(
      "gateway.instances", "1",
      "api.key", KEY,
      "http.allowed_hosts", "127.0.0.1",
      "message.max_data_bytes", Integer.toString(MAX_DATA),
      "http.max_body_bytes", Integer.toString(MAX_BODY)));

  private SoftAssertions soft;
  /** Operation id and status of every exchange checked. */
  private final Set<String> answered = new TreeSet<>();

  @Test
  void theNodeServesTheDocumentOfItsClasspathBehindTheApiKey() throws IOException {
    Exchange served = servedDocument();
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.headers().get("Content-Type")).isEqualTo("application/json");
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
      assertThat(served.body()).isEqualTo(Buffer.buffer(in.readAllBytes()));
    }
    OpenAPIContract contract = contract();
    try (OpenApiValidatingProxy proxy = OpenApiValidatingProxy.start(node.vertx(), contract, node.port())) {
      assertThat(proxy.send(get(OpenApiDocument.PATH)).status()).isEqualTo(401);
    }
  }

  /** What HttpApi mounts, read from a router it mounted on, is what the document describes. */
  @Test
  void theRoutesHttpApiMountsAreTheDocumentsOperations() {
    TestGateway gateway = node.gateway();
    GatewayServices services = gateway.services();
    Router router = Router.router(gateway.vertx());
    new HttpApi(services, NodeAuth.create(gateway.vertx(), services.config(), services.meterRegistry()).apiKeys())
        .mount(router);
    Set<String> mounted = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.methods() != null && !route.methods().isEmpty()) { // not the /api/* authentication of every method
        String path = route.getPath().replaceAll(":([A-Za-z_]+)", "{$1}");
        route.methods().forEach(m -> mounted.add(m.name() + " " + path));
      }
    }
    Set<String> documented = contract().operations().stream()
        .map(o -> o.getHttpMethod().name() + " " + o.getOpenAPIPath()).collect(Collectors.toCollection(TreeSet::new));

    assertThat(mounted).as("routes HttpApi mounts").isNotEmpty().allMatch(r -> r.contains(" /api/"));
    assertThat(documented).as("the document's operations").isEqualTo(mounted);
  }

  @Test
  void everyRouteAnswersAsTheDocumentSays() {
    OpenAPIContract contract = contract();
    soft = new SoftAssertions();
    WsClient ws = node.connect();
    try (OpenApiValidatingProxy proxy = OpenApiValidatingProxy.start(node.vertx(), contract, node.port())) {
      JsonObject subscribed = ws.subscribe(1, "oa:room");
      String epoch = subscribed.getString("epoch");
      publish(proxy);
      broadcast(proxy);
      channels(proxy);
      history(proxy, epoch);
      presence(proxy);
      connections(proxy, ws.clientId());
      node(proxy);
    } finally {
      ws.close();
    }
    limits(contract);

    Set<String> documented = new TreeSet<>();
    for (Operation operation : contract.operations()) {
      operation.getOpenAPIModel().getJsonObject("responses").fieldNames().stream().filter(s -> s.matches("[0-9]{3}"))
          .forEach(status -> documented.add(operation.getOperationId() + " " + status));
    }
    Set<String> notSeen = new TreeSet<>(documented);
    notSeen.removeAll(answered);
    soft.assertThat(notSeen).as("documented answers never seen (only a failing broker makes a 500)")
        .allMatch(s -> s.endsWith(" 500"));
    soft.assertAll();
  }

  // ---- the routes ----

  private void publish(OpenApiValidatingProxy proxy) {
    expect(proxy, post("/api/publish", "{\"channel\":\"oa:room\",\"data\":{\"text\":\"hi\"}}").key(KEY), 200, true);
    String idempotent = "{\"channel\":\"oa:orders\",\"data\":1,\"idempotency_key\":\"order-1\"}";
    expect(proxy, post("/api/publish", idempotent).key(KEY), 200, true);
    soft.assertThat(json(expect(proxy, post("/api/publish", idempotent).key(KEY), 200, true)).getBoolean("duplicate"))
        .as("a repeated idempotency key").isTrue();
    expect(proxy, post("/api/publish",
        "{\"messages\":[{\"channel\":\"oa:a\",\"data\":1},{\"channel\":\"oa:b\",\"data\":null,\"idempotency_key\":\"b-1\"}]}")
        .key(KEY), 200, true);
    // A message of a batch that the document's message schema refuses is answered in place; the others go out.
    Exchange batch = expect(proxy, post("/api/publish",
        "{\"messages\":[{\"channel\":\"oa:a\",\"data\":2},{\"channel\":\"bad name\",\"data\":3}]}").key(KEY), 200, false);
    soft.assertThat(json(batch).getJsonArray("results").getJsonObject(1).getJsonObject("error").getString("code"))
        .isEqualTo("invalid_channel");

    expect(proxy, post("/api/publish", "{\"channel\":\"oa:room\"}").key(KEY), 400, false);
    expect(proxy, post("/api/publish", "{\"channel\":\"no spaces\",\"data\":1}").key(KEY), 400, false);
    expect(proxy, post("/api/publish", "{\"channel\":").key(KEY), 400, false);
    expect(proxy, post("/api/publish", "{\"channel\":\"oa:a\",\"data\":1,\"messages\":[{\"channel\":\"oa:a\",\"data\":1}]}")
        .key(KEY), 400, false);
    expect(proxy, post("/api/publish", "{\"channel\":\"oa:a\",\"data\":1,\"idempotency_key\":\"" + "k".repeat(129) + "\"}")
        .key(KEY), 400, false);
    expect(proxy, post("/api/publish", "{\"messages\":[]}").key(KEY), 400, false);
    commonErrors(proxy, post("/api/publish", "{\"channel\":\"oa:room\",\"data\":1}"));
    expect(proxy, post("/api/publish", "{\"channel\":\"oa:a\",\"data\":\"" + "x".repeat(MAX_DATA) + "\"}").key(KEY), 413, true);
    expect(proxy, post("/api/publish", "{\"channel\":\"oa:a\",\"data\":\"" + "x".repeat(MAX_BODY) + "\"}").key(KEY), 413, true);
    expect(proxy, post("/api/publish", "{\"channel\":\"oa:a\",\"data\":1}").key(KEY).contentType("text/plain"), 415, false);
  }

  private void broadcast(OpenApiValidatingProxy proxy) {
    expect(proxy, post("/api/broadcast", "{\"channels\":[\"oa:room\",\"oa:b\"],\"data\":{\"n\":1}}").key(KEY), 200, true);
    Exchange mixed = expect(proxy, post("/api/broadcast", "{\"channels\":[\"oa:a\",\"bad name\"],\"data\":1}").key(KEY),
        200, false);
    soft.assertThat(json(mixed).getJsonArray("results").getJsonObject(1).getString("channel")).isEqualTo("bad name");
    expect(proxy, post("/api/broadcast", "{\"channels\":\"oa:a\",\"data\":1}").key(KEY), 400, false);
    expect(proxy, post("/api/broadcast", "{\"channels\":[\"oa:a\"]}").key(KEY), 400, false);
    expect(proxy, post("/api/broadcast", "{\"channels\":[\"oa:a\",7],\"data\":1}").key(KEY), 400, false);
    commonErrors(proxy, post("/api/broadcast", "{\"channels\":[\"oa:a\"],\"data\":1}"));
    expect(proxy, post("/api/broadcast", "{\"channels\":[\"oa:a\"],\"data\":\"" + "x".repeat(MAX_DATA) + "\"}").key(KEY),
        413, true);
    expect(proxy, post("/api/broadcast", "{\"channels\":[\"oa:a\"],\"data\":1}").key(KEY).contentType("text/plain"), 415,
        false);
  }

  private void channels(OpenApiValidatingProxy proxy) {
    soft.assertThat(json(expect(proxy, get("/api/channels").key(KEY), 200, true)).getJsonArray("channels")).isNotEmpty();
    expect(proxy, get("/api/channels?prefix=oa:").key(KEY), 200, true);
    commonErrors(proxy, get("/api/channels"));

    expect(proxy, get("/api/channels/oa:room").key(KEY), 200, true);
    soft.assertThat(json(expect(proxy, get("/api/channels/oa:never").key(KEY), 200, true)).getLong("offset")).isZero();
    expect(proxy, get("/api/channels/chat:dm%23alice,bob").key(KEY), 200, true);
    expect(proxy, get("/api/channels/a%20b").key(KEY), 400, false);
    commonErrors(proxy, get("/api/channels/oa:room"));
  }

  private void history(OpenApiValidatingProxy proxy, String epoch) {
    Exchange all = expect(proxy, get("/api/channels/oa:room/history").key(KEY), 200, true);
    soft.assertThat(json(all).getJsonArray("messages")).isNotEmpty();
    expect(proxy, get("/api/channels/oa:room/history?since_offset=1&epoch=" + epoch + "&limit=10").key(KEY), 200, true);
    expect(proxy, get("/api/channels/oa:room/history?since_offset=1&epoch=not-the-epoch").key(KEY), 409, true);
    expect(proxy, get("/api/channels/oa:room/history?limit=-1").key(KEY), 400, false);
    expect(proxy, get("/api/channels/oa:room/history?since_offset=abc").key(KEY), 400, false);
    expect(proxy, get("/api/channels/a%20b/history").key(KEY), 400, false);
    commonErrors(proxy, get("/api/channels/oa:room/history"));
  }

  private void presence(OpenApiValidatingProxy proxy) {
    soft.assertThat(json(expect(proxy, get("/api/channels/oa:room/presence").key(KEY), 200, true)).getJsonArray("clients"))
        .hasSize(1);
    expect(proxy, get("/api/channels/a%23b/presence").key(KEY), 400, false);
    commonErrors(proxy, get("/api/channels/oa:room/presence"));
  }

  /** Subscribe, unsubscribe and disconnect, with {@code client}'s connection as the target; it ends disconnected. */
  private void connections(OpenApiValidatingProxy proxy, String client) {
    String pushed = "{\"channel\":\"oa:pushed\",\"client\":\"" + client + "\"}";
    soft.assertThat(json(expect(proxy, post("/api/subscribe", pushed).key(KEY), 200, true)).getLong("subscribed"))
        .isEqualTo(1);
    expect(proxy, post("/api/subscribe",
        "{\"channel\":\"oa:room\",\"user\":\"nobody\",\"since\":{\"epoch\":\"e\",\"offset\":0}}").key(KEY), 200, true);
    expect(proxy, post("/api/subscribe", "{}").key(KEY), 400, false);
    expect(proxy, post("/api/subscribe", "{\"channel\":\"oa:x\"}").key(KEY), 400, false);
    expect(proxy, post("/api/subscribe", "{\"channel\":\"oa:x\",\"client\":\"c\",\"since\":{\"epoch\":\"e\",\"offset\":-1}}")
        .key(KEY), 400, false);
    postErrors(proxy, "/api/subscribe", pushed);

    soft.assertThat(json(expect(proxy, post("/api/unsubscribe", pushed).key(KEY), 200, true)).getLong("unsubscribed"))
        .isEqualTo(1);
    expect(proxy, post("/api/unsubscribe", "{\"channel\":\"a b\",\"client\":\"x\"}").key(KEY), 400, false);
    expect(proxy, post("/api/unsubscribe", "{\"channel\":\"oa:x\"}").key(KEY), 400, false);
    postErrors(proxy, "/api/unsubscribe", pushed);

    expect(proxy, post("/api/disconnect", "{\"user\":\"nobody\"}").key(KEY), 200, true);
    expect(proxy, post("/api/disconnect", "{}").key(KEY), 400, false);
    expect(proxy, post("/api/disconnect", "{\"client\":5}").key(KEY), 400, false);
    expect(proxy, post("/api/disconnect", "").key(KEY), 400, false);
    postErrors(proxy, "/api/disconnect", "{\"client\":\"nobody\"}");
    soft.assertThat(json(expect(proxy, post("/api/disconnect", "{\"client\":\"" + client + "\"}").key(KEY), 200, true))
        .getLong("disconnected")).isEqualTo(1);
  }

  private void node(OpenApiValidatingProxy proxy) {
    soft.assertThat(json(expect(proxy, get("/api/info").key(KEY), 200, true)).getJsonArray("nodes")).hasSize(1);
    commonErrors(proxy, get("/api/info"));
    expect(proxy, get(OpenApiDocument.PATH).key(KEY), 200, true);
    commonErrors(proxy, get(OpenApiDocument.PATH));
  }

  /**
   * The answers of a node without an API key: publishes limited per address (429; loopback not exempt here) and a
   * channel limit of one (503 on a second channel).
   */
  private void limits(OpenAPIContract contract) {
    TestGateway open = TestGateway.start(Map.of(
        "gateway.instances", "1",
        "http.publish_rate_exempt_loopback", "false",
        "ws.publish_rate", "1",
        "ws.publish_burst", "2",
        "broker.max_channels", "1"));
    try (OpenApiValidatingProxy proxy = OpenApiValidatingProxy.start(node.vertx(), contract, open.port())) {
      expect(proxy, post("/api/publish", "{\"channel\":\"open:a\",\"data\":1}"), 200, true);
      expect(proxy, post("/api/publish", "{\"channel\":\"open:b\",\"data\":1}"), 503, true);
      expectEventually(proxy, post("/api/publish", "{\"channel\":\"open:a\",\"data\":2}"), 429);
      expectEventually(proxy, post("/api/broadcast", "{\"channels\":[\"open:a\"],\"data\":3}"), 429);
    } finally {
      open.close();
    }
  }

  // ---- checks ----

  /** 401 without a key and with a wrong one, 421 for another Host. */
  private void commonErrors(OpenApiValidatingProxy proxy, Request request) {
    expect(proxy, request, 401, true);
    expect(proxy, request.key("wrong"), 401, true);
    expect(proxy, request.key(KEY).host("evil.example"), 421, true);
  }

  /** {@link #commonErrors}, a body over http.max_body_bytes (413) and a body that is not JSON (415). */
  private void postErrors(OpenApiValidatingProxy proxy, String path, String body) {
    commonErrors(proxy, post(path, body));
    expect(proxy, post(path, "{\"pad\":\"" + "x".repeat(MAX_BODY) + "\"," + body.substring(1)).key(KEY), 413, true);
    expect(proxy, post(path, body).key(KEY).contentType("text/plain"), 415, false);
  }

  /**
   * Sends {@code request}: the node must answer {@code status}, with a response the document describes; the request
   * must be one the document accepts when {@code conforms}, and one it refuses otherwise (the node's 400s and 415s,
   * and the batch and broadcast entries it answers with their own error).
   */
  private Exchange expect(OpenApiValidatingProxy proxy, Request request, int status, boolean conforms) {
    Exchange exchange = proxy.send(request);
    check(exchange, conforms);
    soft.assertThat(exchange.status()).as(request + " -> " + exchange.body()).isEqualTo(status);
    return exchange;
  }

  /** Sends {@code request} until it is answered {@code status} (at most 20 times); every answer is checked. */
  private void expectEventually(OpenApiValidatingProxy proxy, Request request, int status) {
    for (int i = 0; i < 20; i++) {
      Exchange exchange = proxy.send(request);
      check(exchange, true);
      if (exchange.status() == status) {
        return;
      }
    }
    soft.fail(request + " was never answered " + status);
  }

  private void check(Exchange exchange, boolean conforms) {
    Request request = exchange.request();
    soft.assertThat(exchange.operationId()).as(request + ": a documented operation").isNotNull();
    soft.assertThat(exchange.responseError()).as(request + " -> " + exchange.status() + " " + exchange.body()
        + ": the document describes the response").isNull();
    if (conforms) {
      soft.assertThat(exchange.requestError()).as(request + ": the document accepts the request").isNull();
    } else {
      soft.assertThat(exchange.requestError()).as(request + ": the document refuses the request too").isNotNull();
    }
    answered.add(exchange.operationId() + " " + exchange.status());
  }

  private static JsonObject json(Exchange exchange) {
    return new JsonObject(exchange.body());
  }

  // ---- the document ----

  /** GET /api/openapi.json with the key, straight from the node: status, Content-Type and body. */
  private static Exchange servedDocument() {
    HttpClient client = node.vertx().createHttpClient();
    try {
      RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(node.port()).setURI(OpenApiDocument.PATH)
          .putHeader("Authorization", "Bearer " + KEY);
      Promise<Exchange> served = Promise.promise();
      node.vertx().getOrCreateContext().runOnContext(v -> client.request(options).compose(HttpClientRequest::send)
          .compose(resp -> resp.body().map(body -> new Exchange(get(OpenApiDocument.PATH), null, resp.statusCode(),
              resp.headers(), body, null, null)))
          .onComplete(served));
      return TestServer.await(served.future());
    } finally {
      TestServer.await(client.close());
    }
  }

  /** The contract the node serves, parsed by vertx-openapi. */
  private static OpenAPIContract contract() {
    return TestServer.await(OpenAPIContract.from(node.vertx(), json(servedDocument())));
  }
}
