package io.herald.broker.impl;

import io.herald.core.ChannelStore;
import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.StreamPosition;
import io.herald.core.codec.Codecs;
import io.herald.core.config.HeraldConfig;
import io.herald.core.WallClock;
import io.herald.core.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sequencer sends each message in its own publish's trace, though publishes that arrive while the store is busy are
 * appended together and sent from the callback of an append, outside every publish's context: the trace is taken
 * when the publish arrives (io.herald.core.tracing.Tracing).
 */
class ChannelSequencerTracingTest {

  private static final String SELF = "self";
  private static final String CHANNEL = "c";

  private final Vertx vertx = Vertx.vertx();

  {
    Codecs.register(vertx.eventBus());
  }
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
  private final Tracer tracer = sdk.getTracer("test");
  private final DeferredAppends store = new DeferredAppends();
  private final ChannelSequencer sequencer = new ChannelSequencer(CHANNEL, store,
      new Fanout(vertx.eventBus(), SELF, Tracing.of(sdk)), WallClock::micros);

  @AfterEach
  void close() {
    sdk.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Publishes {@code data} as one request, in a span of its own (null: outside any trace); returns the span. */
  private Span publish(String name, String... data) {
    List<Buffer> messages = List.of(data).stream().map(Buffer::buffer).toList();
    if (name == null) {
      sequencer.publish(messages, null, null, true);
      return null;
    }
    Span span = tracer.spanBuilder(name).startSpan();
    Scope scope = span.makeCurrent();
    try {
      sequencer.publish(messages, null, null, true);
    } finally {
      scope.close();
      span.end();
    }
    return span;
  }

  @Test
  void eachMessageIsSentInItsOwnPublishsTraceThoughTheirRequestsWereAppendedTogether() {
    store.memory.watch(CHANNEL, SELF, true, true);
    Span first = publish("first", "1");          // its append is in flight...
    Span second = publish("second", "2");        // ...so these three requests wait, and are appended together
    Span third = publish("third", "3", "4");
    publish(null, "5");

    store.completeNext();
    store.completeNext();

    List<SpanData> fanouts = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(Tracing.FANOUT)).toList();
    assertThat(fanouts).extracting(s -> s.getAttributes().get(Tracing.OFFSET)).as("no span for the untraced message")
        .containsExactly(1L, 2L, 3L, 4L);
    assertThat(fanouts).extracting(SpanData::getParentSpanId).containsExactly(first.getSpanContext().getSpanId(),
        second.getSpanContext().getSpanId(), third.getSpanContext().getSpanId(), third.getSpanContext().getSpanId());
    assertThat(fanouts).extracting(SpanData::getTraceId).containsExactly(first.getSpanContext().getTraceId(),
        second.getSpanContext().getTraceId(), third.getSpanContext().getTraceId(), third.getSpanContext().getTraceId());
  }

  /** An in-memory store whose appends wait until the test completes them, in order. */
  private static final class DeferredAppends implements ChannelStore {
    final InMemoryChannelStore memory = new InMemoryChannelStore(HeraldConfig.defaults().namespaces(), System::currentTimeMillis);
    private final Queue<Runnable> waiting = new ArrayDeque<>();

    void completeNext() {
      waiting.remove().run();
    }

    @Override
    public Future<Appended> append(String channel, List<Buffer> data, List<String> keys, long ts, boolean create) {
      Promise<Appended> appended = Promise.promise();
      waiting.add(() -> appended.handle(memory.append(channel, data, keys, ts, create)));
      return appended.future();
    }

    @Override
    public Future<StreamPosition> position(String channel) {
      return memory.position(channel);
    }

    @Override
    public Future<HistoryPage> read(HistoryQuery query) {
      return memory.read(query);
    }

    @Override
    public Future<Occupancy> watch(String channel, String node, boolean watching, boolean create) {
      return memory.watch(channel, node, watching, create);
    }

    @Override
    public Future<List<String>> watchers(String channel) {
      return memory.watchers(channel);
    }

    @Override
    public Future<List<String>> forgetNode(String node) {
      return memory.forgetNode(node);
    }
  }
}
