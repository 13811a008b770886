package io.herald.core;

import io.herald.core.PublishBody.Item;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code POST /api/publish} bodies: both forms, each message's exact data, and every fault with its code. */
class PublishBodyTest {

  private static final int MAX_BATCH = 3;
  private static final int MAX_DATA = 16;

  private static PublishBody parse(String body) {
    return PublishBody.parse(Buffer.buffer(body), MAX_BATCH, MAX_DATA);
  }

  @Test
  void oneMessageKeepsItsDataAsSent() {
    PublishBody body = PublishBody.parse(Buffer.buffer(
        "{\"data\" : {\"n\":1.50, \"s\":\"\\u00e9\"}, \"channel\":\"chat:a\", \"extra\":[1]}"), MAX_BATCH, 1024);

    assertThat(body.batch()).isFalse();
    assertThat(body.items()).singleElement().satisfies(item -> {
      assertThat(item.channel()).isEqualTo("chat:a");
      assertThat(item.data().toString()).isEqualTo("{\"n\":1.50, \"s\":\"\\u00e9\"}");
      assertThat(item.error()).isNull();
    });
  }

  @Test
  void dataMayBeAnyJsonValueNullIncluded() {
    for (String data : List.of("null", "7", "\"text\"", "[1,[2]]", "true", "-0.5e3")) {
      assertThat(parse("{\"channel\":\"c\",\"data\":" + data + "}").items().get(0).data().toString()).isEqualTo(data);
    }
  }

  @Test
  void aBatchKeepsBodyOrderAndEachMessagesFault() {
    PublishBody body = parse("{\"messages\":[{\"channel\":\"a\",\"data\":1},{\"channel\":\"no spaces\",\"data\":2},7]}");

    assertThat(body.batch()).isTrue();
    assertThat(body.items()).hasSize(3);
    assertThat(body.items().get(0)).isEqualTo(new Item("a", Buffer.buffer("1"), null, null));
    assertThat(body.items().get(1).error().code()).isEqualTo(ErrorCode.INVALID_CHANNEL);
    assertThat(body.items().get(2).error().code()).isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  void anIdempotencyKeyIsReadForOneMessageAndForEachOfABatch() {
    String longest = "k".repeat(PublishRequest.MAX_KEY_CHARS);
    assertThat(parse("{\"channel\":\"c\",\"data\":1,\"idempotency_key\":\"" + longest + "\"}").items().get(0).idempotencyKey())
        .isEqualTo(longest);
    assertThat(parse("{\"messages\":[{\"channel\":\"c\",\"data\":1,\"idempotency_key\":\"a\"},{\"channel\":\"c\",\"data\":2}]}")
        .items()).extracting(Item::idempotencyKey).containsExactly("a", null);
  }

  static Stream<Arguments> itemFaults() {
    return Stream.of(
        arguments("not an object", "[1]", ErrorCode.BAD_REQUEST),
        arguments("null", "null", ErrorCode.BAD_REQUEST),
        arguments("no channel", "{\"data\":1}", ErrorCode.BAD_REQUEST),
        arguments("channel a number", "{\"channel\":5,\"data\":1}", ErrorCode.BAD_REQUEST),
        arguments("channel null", "{\"channel\":null,\"data\":1}", ErrorCode.BAD_REQUEST),
        arguments("channel invalid", "{\"channel\":\"a#b\",\"data\":1}", ErrorCode.INVALID_CHANNEL),
        arguments("no data", "{\"channel\":\"c\"}", ErrorCode.BAD_REQUEST),
        arguments("data too large", "{\"channel\":\"c\",\"data\":\"" + "x".repeat(MAX_DATA - 1) + "\"}",
            ErrorCode.MESSAGE_TOO_LARGE),
        arguments("idempotency_key a number", "{\"channel\":\"c\",\"data\":1,\"idempotency_key\":5}", ErrorCode.BAD_REQUEST),
        arguments("idempotency_key null", "{\"channel\":\"c\",\"data\":1,\"idempotency_key\":null}", ErrorCode.BAD_REQUEST),
        arguments("idempotency_key empty", "{\"channel\":\"c\",\"data\":1,\"idempotency_key\":\"\"}", ErrorCode.BAD_REQUEST),
        arguments("idempotency_key over 128 characters", "{\"channel\":\"c\",\"data\":1,\"idempotency_key\":\""
            + "k".repeat(PublishRequest.MAX_KEY_CHARS + 1) + "\"}", ErrorCode.BAD_REQUEST),
        arguments("a nested batch is not read", "{\"channel\":\"c\",\"messages\":[{\"channel\":\"d\",\"data\":1}]}",
            ErrorCode.BAD_REQUEST));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("itemFaults")
  void aFaultyMessageOfABatchIsItsOwnError(String name, String message, ErrorCode code) {
    PublishBody body = parse("{\"messages\":[{\"channel\":\"ok\",\"data\":0}," + message + "]}");

    assertThat(body.items().get(0).error()).isNull();
    assertThat(body.items().get(1).error()).as(name).isNotNull();
    assertThat(body.items().get(1).error().code()).isEqualTo(code);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("itemFaults")
  void theSameFaultInASingleMessageRefusesTheRequest(String name, String message, ErrorCode code) {
    if (!message.startsWith("{")) {
      return; // a body that is not an object is a fault of the body (bodyFaults)
    }
    assertThat(catchThrowableOfType(HeraldException.class, () -> parse(message)).code()).as(name).isEqualTo(code);
  }

  static Stream<Arguments> bodyFaults() {
    return Stream.of(
        arguments("empty", ""),
        arguments("not JSON", "{\"channel\":"),
        arguments("an array", "[{\"channel\":\"c\",\"data\":1}]"),
        arguments("a string", "\"x\""),
        arguments("trailing content", "{\"channel\":\"c\",\"data\":1} {}"),
        arguments("trailing garbage", "{\"channel\":\"c\",\"data\":1}x"),
        arguments("nested too deeply", "{\"channel\":\"c\",\"data\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"),
        arguments("messages not an array", "{\"messages\":{\"channel\":\"c\",\"data\":1}}"),
        arguments("messages null", "{\"messages\":null}"),
        arguments("messages empty", "{\"messages\":[]}"),
        arguments("one message over api.max_batch", "{\"messages\":[" + "{\"channel\":\"c\",\"data\":1},".repeat(MAX_BATCH)
            + "{\"channel\":\"c\",\"data\":1}]}"),
        arguments("over the batch and not even read to the end", "{\"messages\":[" + "1,".repeat(MAX_BATCH + 1)),
        arguments("messages and a channel", "{\"channel\":\"c\",\"messages\":[{\"channel\":\"c\",\"data\":1}]}"),
        arguments("messages and an idempotency_key", "{\"idempotency_key\":\"k\",\"messages\":[{\"channel\":\"c\",\"data\":1}]}"),
        arguments("messages and data", "{\"data\":1,\"messages\":[{\"channel\":\"c\",\"data\":1}]}"),
        arguments("an unclosed batch", "{\"messages\":[{\"channel\":\"c\",\"data\":1}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodyFaults")
  void aFaultOfTheBodyRefusesItWithBadRequest(String name, String body) {
    HeraldException e = catchThrowableOfType(HeraldException.class, () -> parse(body));

    assertThat(e).as(name).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).isNotBlank();
  }

  @Test
  void aBatchAtTheLimitIsRead() {
    assertThat(parse("{\"messages\":[" + "{\"channel\":\"c\",\"data\":1},".repeat(MAX_BATCH - 1)
        + "{\"channel\":\"c\",\"data\":1}]}").items()).hasSize(MAX_BATCH);
  }

  @Test
  void ofARepeatedFieldTheLastCounts() {
    Item item = parse("{\"channel\":\"first\",\"data\":1,\"channel\":\"last\",\"data\":2}").items().get(0);

    assertThat(item.channel()).isEqualTo("last");
    assertThat(item.data().toString()).isEqualTo("2");
  }

  @Test
  void aNullBodyIsRefused() {
    assertThat(catchThrowableOfType(HeraldException.class, () -> PublishBody.parse(null, MAX_BATCH, MAX_DATA)).code())
        .isEqualTo(ErrorCode.BAD_REQUEST);
  }
}
