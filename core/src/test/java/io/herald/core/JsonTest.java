package io.herald.core;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The request-field readers shared by /ws and the HTTP API, and the error code each failure carries. */
class JsonTest {

  private static final int MAX_DATA = 16;

  /** {@link Json#data} on a request given as text, the way both callers have it: parsed and raw. */
  private static Buffer data(String request, int maxBytes) {
    return Json.data(obj(request), Buffer.buffer(request), maxBytes);
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        failure("not JSON", ErrorCode.BAD_REQUEST, () -> Json.object(Buffer.buffer("{\"a\":"))),
        failure("empty input", ErrorCode.BAD_REQUEST, () -> Json.object(Buffer.buffer())),
        failure("JSON array", ErrorCode.BAD_REQUEST, () -> Json.object(Buffer.buffer("[1,2]"))),
        failure("JSON string", ErrorCode.BAD_REQUEST, () -> Json.object(Buffer.buffer("\"x\""))),
        failure("JSON null", ErrorCode.BAD_REQUEST, () -> Json.object(Buffer.buffer("null"))),
        failure("nested too deeply", ErrorCode.BAD_REQUEST,
            () -> Json.object(Buffer.buffer("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"))),
        failure("channel missing", ErrorCode.BAD_REQUEST, () -> Json.channel(obj("{}"), "channel")),
        failure("channel null", ErrorCode.BAD_REQUEST, () -> Json.channel(obj("{\"channel\":null}"), "channel")),
        failure("channel a number", ErrorCode.BAD_REQUEST, () -> Json.channel(obj("{\"channel\":5}"), "channel")),
        failure("channel an object", ErrorCode.BAD_REQUEST, () -> Json.channel(obj("{\"channel\":{}}"), "channel")),
        failure("channel invalid", ErrorCode.INVALID_CHANNEL, () -> Json.channel(obj("{\"channel\":\"a b\"}"), "channel")),
        failure("channel empty", ErrorCode.INVALID_CHANNEL, () -> Json.channel(obj("{\"channel\":\"\"}"), "channel")),
        failure("validChannel null", ErrorCode.INVALID_CHANNEL, () -> Json.validChannel(null)),
        failure("string missing", ErrorCode.BAD_REQUEST, () -> Json.string(obj("{}"), "client")),
        failure("string empty", ErrorCode.BAD_REQUEST, () -> Json.string(obj("{\"client\":\"\"}"), "client")),
        failure("string a number", ErrorCode.BAD_REQUEST, () -> Json.string(obj("{\"client\":1}"), "client")),
        failure("nonNegative negative", ErrorCode.BAD_REQUEST, () -> Json.nonNegative(obj("{\"limit\":-1}"), "limit", 5)),
        failure("nonNegative a string", ErrorCode.BAD_REQUEST, () -> Json.nonNegative(obj("{\"limit\":\"5\"}"), "limit", 5)),
        failure("nonNegative a fraction", ErrorCode.BAD_REQUEST, () -> Json.nonNegative(obj("{\"limit\":1.5}"), "limit", 5)),
        failure("array missing", ErrorCode.BAD_REQUEST, () -> Json.array(obj("{}"), "channels")),
        failure("array a string", ErrorCode.BAD_REQUEST, () -> Json.array(obj("{\"channels\":\"a\"}"), "channels")),
        failure("array an object", ErrorCode.BAD_REQUEST, () -> Json.array(obj("{\"channels\":{}}"), "channels")),
        failure("data missing", ErrorCode.BAD_REQUEST, () -> data("{\"channel\":\"c\"}", MAX_DATA)),
        failure("data too large", ErrorCode.MESSAGE_TOO_LARGE,
            () -> data("{\"data\":\"" + "x".repeat(MAX_DATA - 1) + "\"}", MAX_DATA)),
        failure("since not an object", ErrorCode.BAD_REQUEST, () -> Json.since(obj("{\"since\":5}"))),
        failure("since without offset", ErrorCode.BAD_REQUEST, () -> Json.since(obj("{\"since\":{\"epoch\":\"e\"}}"))),
        failure("since offset negative", ErrorCode.BAD_REQUEST,
            () -> Json.since(obj("{\"since\":{\"epoch\":\"e\",\"offset\":-1}}"))),
        failure("since offset a string", ErrorCode.BAD_REQUEST,
            () -> Json.since(obj("{\"since\":{\"epoch\":\"e\",\"offset\":\"1\"}}"))),
        failure("since without epoch", ErrorCode.BAD_REQUEST, () -> Json.since(obj("{\"since\":{\"offset\":1}}"))),
        failure("since epoch not a string", ErrorCode.BAD_REQUEST,
            () -> Json.since(obj("{\"since\":{\"epoch\":1,\"offset\":1}}"))));
  }

  private static Arguments failure(String name, ErrorCode code, ThrowingCallable call) {
    return arguments(name, code, call);
  }

  private static JsonObject obj(String json) {
    return new JsonObject(json);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("failures")
  void malformedValuesFailWithTheProtocolErrorCode(String name, ErrorCode expected, ThrowingCallable call) {
    HeraldException e = catchThrowableOfType(HeraldException.class, call);

    assertThat(e).as(name).isNotNull();
    assertThat(e.code()).isEqualTo(expected);
    assertThat(e.getMessage()).isNotBlank();
  }

  @Test
  void readsWellFormedValues() {
    assertThat(Json.object(Buffer.buffer(" {\"a\":1} "))).isEqualTo(obj("{\"a\":1}"));
    assertThat(Json.channel(obj("{\"channel\":\"chat:room-1\"}"), "channel")).isEqualTo("chat:room-1");
    assertThat(Json.string(obj("{\"client\":\"abc\"}"), "client")).isEqualTo("abc");
    assertThat(Json.nonNegative(obj("{}"), "limit", 7)).isEqualTo(7);
    assertThat(Json.nonNegative(obj("{\"limit\":0}"), "limit", 7)).isZero();
    assertThat(Json.nonNegative(obj("{\"limit\":5000000000}"), "limit", 7)).isEqualTo(5_000_000_000L);
    assertThat(Json.array(obj("{\"channels\":[\"a\",1]}"), "channels")).isEqualTo(new JsonArray().add("a").add(1));
    assertThat(Json.since(obj("{}"))).isNull();
    assertThat(Json.since(obj("{\"since\":{\"epoch\":\"e\",\"offset\":0}}"))).isEqualTo(new StreamPosition("e", 0));
  }

  @Test
  void dataIsTheJsonOfTheValueAndMayBeNullOrExactlyTheLimit() {
    assertThat(data("{\"data\":null}", MAX_DATA).toString()).isEqualTo("null");
    assertThat(data("{\"data\":{\"k\":[1,\"é\"]}}", MAX_DATA).toString()).isEqualTo("{\"k\":[1,\"é\"]}");
    String atLimit = "\"" + "x".repeat(MAX_DATA - 2) + "\"";
    assertThat(data("{\"data\":" + atLimit + "}", MAX_DATA).length()).isEqualTo(MAX_DATA);
  }

  @ParameterizedTest
  @MethodSource("exactData")
  void dataIsTheBytesThePublisherSent(String request, String expected) {
    assertThat(data(request, 1024).toString()).isEqualTo(expected);
  }

  static Stream<Arguments> exactData() {
    return Stream.of(
        arguments("{\"data\":1.10}", "1.10"),
        arguments("{\"data\":1e400}", "1e400"),
        arguments("{\"data\":-0}", "-0"),
        arguments("{ \"channel\" : \"c\" , \"data\" :  { \"a\" : [ 1 , 2 ] }  }", "{ \"a\" : [ 1 , 2 ] }"),
        arguments("{\"data\":\"\\ud83c\\udf89 \\\"q\\\"\"}", "\"\\ud83c\\udf89 \\\"q\\\"\""),
        arguments("{\"data\":\"é\",\"channel\":\"c\"}", "\"é\""),
        arguments("{\"data\":true}", "true"),
        arguments("{\"data\":null}", "null"),
        arguments("{\"x\":{\"data\":1},\"data\":[{\"data\":2}]}", "[{\"data\":2}]"),
        arguments("{\"data\":1,\"data\":\"last wins\"}", "\"last wins\""));
  }

  @Test
  void dataLimitCountsUtf8Bytes() {
    // 6 two-byte characters plus quotes: 14 bytes but 8 chars.
    String data = "\"" + "é".repeat(6) + "\"";
    assertThat(data("{\"data\":" + data + "}", 14).length()).isEqualTo(14);
    HeraldException e = catchThrowableOfType(HeraldException.class, () -> data("{\"data\":" + data + "}", 13));
    assertThat(e.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
  }
}
