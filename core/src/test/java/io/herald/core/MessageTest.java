package io.herald.core;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Message#frame()} and {@link Message#appendJson}: the {@code message} frame of docs/protocol.md. */
class MessageTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}",
      "\"héllo 世界 🎉 \\\"quoted\\\" back\\\\slash \\u0000 \\n\"",
      "[]",
      "{}",
      "null",
      "-12.5e3",
      "12345678901234567890123",
      "{ \"spaced\" :  [ 1 , 2 ] }"
  })
  void frameIsValidJsonWithExactlyTheProtocolFieldsAndDataByteExact(String data) {
    Message m = new Message("chat:room-1", "k3j4h5g6f7", 42, 1_700_000_000_123L, Buffer.buffer(data));

    Buffer frame = m.frame();
    JsonObject json = new JsonObject(frame);

    assertThat(json.fieldNames()).containsExactlyInAnyOrder("type", "channel", "epoch", "offset", "data", "ts");
    assertThat(json.getString("type")).isEqualTo("message");
    assertThat(json.getString("channel")).isEqualTo("chat:room-1");
    assertThat(json.getString("epoch")).isEqualTo("k3j4h5g6f7");
    assertThat(json.getValue("offset")).isIn(42, 42L);
    assertThat(json.getLong("ts")).isEqualTo(1_700_000_000_123L);
    assertThat(json.getValue("data")).isEqualTo(io.vertx.core.json.Json.decodeValue(data));
    assertThat(frame.toString()).contains("\"data\":" + data + ",\"ts\":");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"x\":\"ü\"}", "[1,2]", "null"})
  void appendJsonWritesTheMessageObjectWithoutType(String data) {
    Message m = new Message("c", "e", 1, 2, Buffer.buffer(data));

    Buffer out = Buffer.buffer("[");
    m.appendJson(out).appendString("]");
    JsonObject json = new io.vertx.core.json.JsonArray(out).getJsonObject(0);

    assertThat(json.fieldNames()).containsExactlyInAnyOrder("channel", "epoch", "offset", "data", "ts");
    assertThat(out.toString()).contains("\"data\":" + data + ",\"ts\":2}");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, Long.MAX_VALUE})
  void offsetsAndTimestampsAreWrittenAsJsonNumbers(long n) {
    JsonObject json = new JsonObject(new Message("c", "e", n, n, Buffer.buffer("1")).frame());

    assertThat(json.getLong("offset")).isEqualTo(n);
    assertThat(json.getLong("ts")).isEqualTo(n);
  }
}
