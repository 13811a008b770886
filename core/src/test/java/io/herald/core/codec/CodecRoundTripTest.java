package io.herald.core.codec;

import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.Publication;
import io.herald.core.PublishBatch;
import io.herald.core.PublishOutcome;
import io.herald.core.PublishOutcomes;
import io.herald.core.PublishRequest;
import io.herald.core.PublishStamp;
import io.herald.core.StreamPosition;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every event-bus codec: a value encoded into a buffer that already holds other bytes decodes, at its
 * position, to an equal value; the length prefix lets a reader skip to the next value.
 */
class CodecRoundTripTest {

  private static final String UNICODE = "épöch-日本語-😀-\u2028";
  private static final Buffer UNICODE_DATA = Buffer.buffer("{\"text\":\"héllo 世界 🎉\",\"esc\":\"a\\\"b\\\\c\\u0000\"}");
  private static final Buffer EMPTY = Buffer.buffer();

  static Stream<Arguments> values() {
    Message plain = new Message("chat:room-1", "e1", 1, 1_700_000_000_000L, Buffer.buffer("{\"a\":1}"));
    Message unicode = new Message("x", UNICODE, Long.MAX_VALUE, 0, UNICODE_DATA);
    Message empty = new Message("c", "e", 0, -1, EMPTY);
    return Stream.of(
        arguments("Message", new MessageCodec(), plain),
        arguments("Message with unicode epoch and data", new MessageCodec(), unicode),
        arguments("Message with empty data", new MessageCodec(), empty),
        arguments("PublishRequest", new PublishRequestCodec(), new PublishRequest("chat:room-1", Buffer.buffer("[1,2,3]"))),
        arguments("PublishRequest with unicode", new PublishRequestCodec(), new PublishRequest(UNICODE, UNICODE_DATA)),
        arguments("PublishRequest with empty data", new PublishRequestCodec(), new PublishRequest("c", EMPTY)),
        arguments("PublishRequest with a publish stamp", new PublishRequestCodec(), new PublishRequest("c",
            List.of(Buffer.buffer("1")), null, new PublishStamp(1_700_000_000_123_456L, -42))),
        arguments("PublishRequest with idempotency keys", new PublishRequestCodec(),
            new PublishRequest("c", List.of(Buffer.buffer("1"), EMPTY), java.util.Arrays.asList(UNICODE, null))),
        arguments("Publication", new PublicationCodec(), Publication.of("e1", 7)),
        arguments("PublishBatch", new PublishBatchCodec(), new PublishBatch(List.of(new PublishRequest("a", UNICODE_DATA),
            new PublishRequest("b", List.of(Buffer.buffer("1"), EMPTY), java.util.Arrays.asList("k", null))))),
        arguments("PublishOutcomes", new PublishOutcomesCodec(), new PublishOutcomes(List.of(
            PublishOutcome.of(Publication.of("e1", 3)), PublishOutcome.of(new Publication("e2", 9, new long[] {4}))))),
        arguments("Publication with repeats", new PublicationCodec(), new Publication("e1", 3, new long[] {0, 1, 0})),
        arguments("PublishRequest of several messages", new PublishRequestCodec(),
            new PublishRequest("c", List.of(Buffer.buffer("1"), EMPTY, UNICODE_DATA))),
        arguments("StreamPosition", new StreamPositionCodec(), new StreamPosition("abc123", 42)),
        arguments("StreamPosition at offset 0", new StreamPositionCodec(), new StreamPosition("e", 0)),
        arguments("StreamPosition with unicode epoch", new StreamPositionCodec(), new StreamPosition(UNICODE, Long.MAX_VALUE)),
        arguments("StreamPosition with empty epoch", new StreamPositionCodec(), new StreamPosition("", 7)),
        arguments("StreamPosition with null epoch", new StreamPositionCodec(), new StreamPosition(null, 7)),
        arguments("HistoryQuery", new HistoryQueryCodec(), new HistoryQuery("chat:room-1", 17, 100)),
        arguments("HistoryQuery LATEST", new HistoryQueryCodec(), HistoryQuery.latest(UNICODE, Integer.MAX_VALUE)),
        arguments("HistoryPage empty", new HistoryPageCodec(), new HistoryPage("e", 0, 1, List.of())),
        arguments("HistoryPage with messages", new HistoryPageCodec(), new HistoryPage(UNICODE, Long.MAX_VALUE, 1,
            List.of(plain, unicode, empty))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  <T> void decodesWhatItEncodedAtANonZeroPosition(String name, WireCodec<T> codec, T value) {
    Buffer buffer = Buffer.buffer().appendString("bytes of an earlier value").appendByte((byte) 0xff);
    int pos = buffer.length();
    codec.encodeToWire(buffer, value);
    buffer.appendString("bytes of a later value");

    T decoded = codec.decodeFromWire(pos, buffer);

    assertThat(decoded).isEqualTo(value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  <T> void lengthPrefixCoversTheValueSoTheNextOneCanBeRead(String name, WireCodec<T> codec, T value) {
    Buffer buffer = Buffer.buffer().appendString("prefix");
    int first = buffer.length();
    codec.encodeToWire(buffer, value);
    int second = buffer.length();
    codec.encodeToWire(buffer, value);

    assertThat(buffer.getInt(first)).isEqualTo(second - first - 4);
    assertThat(codec.decodeFromWire(first + 4 + buffer.getInt(first), buffer)).isEqualTo(value);
    assertThat(buffer.length()).isEqualTo(second + (second - first));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  <T> void localDeliveryPassesTheSameInstance(String name, WireCodec<T> codec, T value) {
    assertThat(codec.transform(value)).isSameAs(value);
    assertThat(codec.systemCodecID()).isEqualTo((byte) -1);
  }

  @Test
  void aLiveMessageKeepsItsMicrosecondsAndItsPublishStampAndHistoryKeepsNoStamp() {
    PublishStamp stamp = new PublishStamp(1_700_000_000_100_001L, 7);
    Message m = Message.sequenced("c", "e", 3, 1_700_000_000_123_456L, UNICODE_DATA, stamp);
    Buffer buffer = Buffer.buffer("xyz");
    new MessageCodec().encodeToWire(buffer, m);

    Message decoded = new MessageCodec().decodeFromWire(3, buffer);

    assertThat(decoded.tsMicros()).isEqualTo(1_700_000_000_123_456L);
    assertThat(decoded.ts()).as("clients still see milliseconds").isEqualTo(1_700_000_000_123L);
    assertThat(decoded.stamp()).isEqualTo(stamp);
    Buffer page = Buffer.buffer();
    new HistoryPageCodec().encodeToWire(page, new HistoryPage("e", 3, 3, List.of(m)));
    Message fromHistory = new HistoryPageCodec().decodeFromWire(0, page).messages().get(0);
    assertThat(fromHistory.tsMicros()).isEqualTo(1_700_000_000_123_456L);
    assertThat(fromHistory.stamp()).isNull();
  }

  @Test
  void messageDataSurvivesByteForByte() {
    Message m = new Message("c", "e", 3, 5, UNICODE_DATA);
    Buffer buffer = Buffer.buffer("xyz");
    new MessageCodec().encodeToWire(buffer, m);

    Message decoded = new MessageCodec().decodeFromWire(3, buffer);

    assertThat(decoded.data().getBytes()).isEqualTo(UNICODE_DATA.getBytes());
    assertThat(decoded.frame().toString()).isEqualTo(m.frame().toString());
  }

  @Test
  void aPublishRequestClaimingMoreMessagesThanItsBytesHoldIsRefusedBeforeAllocating() {
    Buffer buffer = Buffer.buffer();
    new PublishRequestCodec().encodeToWire(buffer, new PublishRequest("c", List.of(Buffer.buffer("1"))));
    int countAt = 4 + 4 + 1; // the value's length, then the channel's length and its one byte
    buffer.setInt(countAt, Integer.MAX_VALUE);

    assertThatThrownBy(() -> new PublishRequestCodec().decodeFromWire(0, buffer)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailedPublishOutcomeKeepsItsCodeAndMessage() {
    Buffer buffer = Buffer.buffer();
    new PublishOutcomesCodec().encodeToWire(buffer, new PublishOutcomes(List.of(
        PublishOutcome.failed(new HeraldException(ErrorCode.TOO_MANY_CHANNELS, "full")), PublishOutcome.of(Publication.of("e", 1)))));

    PublishOutcomes decoded = new PublishOutcomesCodec().decodeFromWire(0, buffer);

    assertThat(decoded.outcomes().get(0).error().code()).isEqualTo(ErrorCode.TOO_MANY_CHANNELS);
    assertThat(decoded.outcomes().get(0).error().getMessage()).isEqualTo("full");
    assertThat(decoded.outcomes().get(1).publication()).isEqualTo(Publication.of("e", 1));
  }

  @Test
  void codecNamesAreDistinct() {
    List<WireCodec<?>> codecs = List.of(new MessageCodec(), new PublishRequestCodec(), new StreamPositionCodec(), new PublicationCodec(),
        new PublishBatchCodec(), new PublishOutcomesCodec(),
        new HistoryQueryCodec(), new HistoryPageCodec());
    Set<String> names = new HashSet<>();
    codecs.forEach(c -> names.add(c.name()));
    assertThat(names).hasSize(codecs.size());
  }
}
