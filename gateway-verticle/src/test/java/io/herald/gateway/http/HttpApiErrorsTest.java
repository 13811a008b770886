package io.herald.gateway.http;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.gateway.testing.TestGatewayExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Bad requests to the HTTP API: each gets its 4xx status and a {@code {"error": {code, message}}} body,
 * never a 500 or a hang (every request is bounded by the client's timeout).
 */
class HttpApiErrorsTest {

  private static final int MAX_DATA = 256;
  private static final int MAX_BODY = 8192;
  private static final int MAX_BATCH = 3;

  @RegisterExtension
  static final TestGatewayExtension node = TestGatewayExtension.withSettings(Map.of(
      "message.max_data_bytes", Integer.toString(MAX_DATA),
      "http.max_body_bytes", Integer.toString(MAX_BODY),
      "api.max_batch", Integer.toString(MAX_BATCH)));

  private static Arguments post(String name, String path, String body, int status, String code) {
    return arguments(name, HttpMethod.POST, path, body, status, code);
  }

  private static Arguments get(String name, String path, int status, String code) {
    return arguments(name, HttpMethod.GET, path, null, status, code);
  }

  static Stream<Arguments> badRequests() {
    String deep = "[".repeat(3000) + "]".repeat(3000);
    return Stream.of(
        post("invalid JSON", "/api/publish", "{\"channel\":", 400, "bad_request"),
        post("empty body", "/api/publish", "", 400, "bad_request"),
        post("JSON array body", "/api/publish", "[{\"channel\":\"c\",\"data\":1}]", 400, "bad_request"),
        post("JSON string body", "/api/publish", "\"hello\"", 400, "bad_request"),
        post("JSON nested too deeply", "/api/publish", "{\"channel\":\"c\",\"data\":" + deep + "}", 400, "bad_request"),
        post("missing channel", "/api/publish", "{\"data\":1}", 400, "bad_request"),
        post("channel not a string", "/api/publish", "{\"channel\":42,\"data\":1}", 400, "bad_request"),
        post("channel null", "/api/publish", "{\"channel\":null,\"data\":1}", 400, "bad_request"),
        post("invalid channel name", "/api/publish", "{\"channel\":\"no spaces\",\"data\":1}", 400, "invalid_channel"),
        post("channel name too long", "/api/publish", "{\"channel\":\"" + "a".repeat(256) + "\",\"data\":1}", 400,
            "invalid_channel"),
        post("missing data", "/api/publish", "{\"channel\":\"c\"}", 400, "bad_request"),
        post("data too large", "/api/publish", "{\"channel\":\"c\",\"data\":\"" + "x".repeat(MAX_DATA) + "\"}", 413,
            "message_too_large"),
        post("body over http.max_body_bytes", "/api/publish", "{\"channel\":\"c\",\"data\":\"" + "x".repeat(MAX_BODY) + "\"}",
            413, "message_too_large"),
        post("batch messages not an array", "/api/publish", "{\"messages\":{\"channel\":\"c\",\"data\":1}}", 400,
            "bad_request"),
        post("batch messages empty", "/api/publish", "{\"messages\":[]}", 400, "bad_request"),
        post("batch over api.max_batch", "/api/publish",
            "{\"messages\":[" + "{\"channel\":\"c\",\"data\":1},".repeat(MAX_BATCH) + "{\"channel\":\"c\",\"data\":1}]}",
            400, "bad_request"),
        post("batch and a channel", "/api/publish", "{\"channel\":\"c\",\"data\":1,\"messages\":[]}", 400,
            "bad_request"),
        post("batch not closed", "/api/publish", "{\"messages\":[{\"channel\":\"c\",\"data\":1}", 400, "bad_request"),
        post("batch over http.max_body_bytes", "/api/publish",
            "{\"messages\":[{\"channel\":\"c\",\"data\":\"" + "x".repeat(MAX_BODY) + "\"}]}", 413, "message_too_large"),
        post("broadcast channels not an array", "/api/broadcast", "{\"channels\":\"c\",\"data\":1}", 400, "bad_request"),
        post("broadcast channels missing", "/api/broadcast", "{\"data\":1}", 400, "bad_request"),
        post("broadcast channel not a string", "/api/broadcast", "{\"channels\":[\"c\",7],\"data\":1}", 400, "bad_request"),
        post("broadcast missing data", "/api/broadcast", "{\"channels\":[\"c\"]}", 400, "bad_request"),
        post("broadcast data too large", "/api/broadcast", "{\"channels\":[\"c\"],\"data\":\"" + "x".repeat(MAX_DATA) + "\"}",
            413, "message_too_large"),
        post("broadcast invalid JSON", "/api/broadcast", "{", 400, "bad_request"),
        post("disconnect without client or user", "/api/disconnect", "{}", 400, "bad_request"),
        post("disconnect client not a string", "/api/disconnect", "{\"client\":5}", 400, "bad_request"),
        post("disconnect empty user", "/api/disconnect", "{\"user\":\"\"}", 400, "bad_request"),
        post("disconnect empty body", "/api/disconnect", "", 400, "bad_request"),
        post("unsubscribe without channel", "/api/unsubscribe", "{\"client\":\"x\"}", 400, "bad_request"),
        post("unsubscribe invalid channel", "/api/unsubscribe", "{\"channel\":\"a b\",\"client\":\"x\"}", 400, "invalid_channel"),
        post("unsubscribe without client or user", "/api/unsubscribe", "{\"channel\":\"c\"}", 400, "bad_request"),
        get("unknown API route", "/api/nope", 404, "not_found"),
        get("unknown route", "/nope", 404, "not_found"),
        get("unknown channel sub-route", "/api/channels/c/nope", 404, "not_found"),
        get("GET on a POST route", "/api/publish", 405, "method_not_allowed"),
        post("POST on a GET route", "/api/info", "{}", 405, "method_not_allowed"),
        arguments("DELETE on a GET route", HttpMethod.DELETE, "/api/channels", null, 405, "method_not_allowed"),
        arguments("PUT on history", HttpMethod.PUT, "/api/channels/c/history", "{}", 405, "method_not_allowed"),
        get("history limit=-1", "/api/channels/c/history?limit=-1", 400, "bad_request"),
        get("history limit=abc", "/api/channels/c/history?limit=abc", 400, "bad_request"),
        get("history limit=1.5", "/api/channels/c/history?limit=1.5", 400, "bad_request"),
        get("history since_offset=-1", "/api/channels/c/history?since_offset=-1&epoch=e", 400, "bad_request"),
        get("history since_offset=abc", "/api/channels/c/history?since_offset=abc", 400, "bad_request"),
        get("history of an invalid channel", "/api/channels/a%20b/history", 400, "invalid_channel"),
        get("presence of an invalid channel", "/api/channels/a%23b/presence", 400, "invalid_channel"));
  }

  @ParameterizedTest(name = "{0} -> {4} {5}")
  @MethodSource("badRequests")
  void badRequestGetsItsStatusAndErrorBody(String name, HttpMethod method, String path, String body, int status,
                                           String code) {
    Response r = node.http().request(method, path, body == null ? null : Buffer.buffer(body), null);

    assertThat(r.status()).as(name + ": " + r.body()).isEqualTo(status);
    JsonObject json = r.json();
    assertThat(json.fieldNames()).containsExactly("error");
    assertThat(json.getJsonObject("error").getString("code")).isEqualTo(code);
    assertThat(json.getJsonObject("error").getString("message")).isNotBlank();
  }

  @Test
  void dataExactlyAtTheLimitIsAccepted() {
    String data = "\"" + "x".repeat(MAX_DATA - 2) + "\"";

    Response r = node.http().post("/api/publish", Buffer.buffer("{\"channel\":\"limit:ok\",\"data\":" + data + "}"), null);

    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void aRejectedBroadcastPublishesNothing() {
    Response r = node.http().post("/api/broadcast", new JsonObject()
        .put("channels", new JsonArray().add("rejected:first").add(7).add("rejected:last")).put("data", 1));

    assertThat(r.status()).isEqualTo(400);
    for (String channel : new String[] {"rejected:first", "rejected:last"}) {
      JsonObject history = node.http().get("/api/channels/" + channel + "/history").json();
      assertThat(history.getJsonArray("messages")).as(channel).isEmpty();
    }
  }

  @Test
  void aRefusedBatchPublishesNothing() {
    JsonArray messages = new JsonArray();
    for (int i = 0; i <= MAX_BATCH; i++) {
      messages.add(new JsonObject().put("channel", "rejected:batch").put("data", i));
    }
    Response r = node.http().post("/api/publish", new JsonObject().put("messages", messages));

    assertThat(r.status()).isEqualTo(400);
    assertThat(node.http().get("/api/channels/rejected:batch/history").json().getJsonArray("messages")).isEmpty();
  }

  @Test
  void theNodeKeepsServingAfterBadRequests() {
    for (int i = 0; i < 3; i++) {
      assertThat(node.http().post("/api/publish", Buffer.buffer("{"), null).status()).isEqualTo(400);
    }

    assertThat(node.http().get("/health/live").status()).isEqualTo(200);
    assertThat(node.http().publish("after:errors", 1).getLong("offset")).isEqualTo(1);
  }
}
