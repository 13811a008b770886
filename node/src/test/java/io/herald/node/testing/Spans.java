package io.herald.node.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where a test node (tracing.enabled) sends its spans: an {@link InMemorySpanExporter} that outlives the node. The
 * node's shutdown exports every span that has ended and then shuts its exporter down, which would clear an
 * InMemorySpanExporter; this one keeps them, so after {@code close()} the spans are all there is.
 */
public final class Spans implements SpanExporter {

  public static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  public static final AttributeKey<String> NODE = AttributeKey.stringKey("herald.node");
  public static final String FANOUT = "herald.fanout";

  private final InMemorySpanExporter memory = InMemorySpanExporter.create();

  /** Every span exported so far. */
  public List<SpanData> all() {
    return memory.getFinishedSpanItems();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return memory.export(spans);
  }

  @Override
  public CompletableResultCode flush() {
    return memory.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }

  /**
   * The trace of the HTTP request to {@code path} among {@code spans} once it is whole (every span's parent is there,
   * up to the request's span, its root); empty until then.
   */
  public static List<SpanData> trace(List<SpanData> spans, String path) {
    SpanData request = spans.stream()
        .filter(s -> s.getKind() == SpanKind.SERVER && path.equals(s.getAttributes().get(URL_PATH))).findFirst().orElse(null);
    if (request == null) {
      return List.of();
    }
    List<SpanData> trace = spans.stream().filter(s -> s.getTraceId().equals(request.getTraceId())).toList();
    Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    boolean whole = trace.stream().allMatch(s -> s == request || byId.containsKey(s.getParentSpanId()));
    return whole ? trace : List.of();
  }

  /** The spans named {@code name}. */
  public static List<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }

  /** {@code span}'s parent among {@code spans}. */
  public static SpanData parent(List<SpanData> spans, SpanData span) {
    return spans.stream().filter(s -> s.getSpanId().equals(span.getParentSpanId())).findFirst()
        .orElseThrow(() -> new AssertionError("no parent of " + span.getName() + " among " + spans));
  }

  /** From {@code span} up to its trace's root: the span, its parent, ... */
  public static List<SpanData> ancestry(List<SpanData> spans, SpanData span) {
    List<SpanData> line = new ArrayList<>();
    for (SpanData s = span; ; s = parent(spans, s)) {
      line.add(s);
      if (!s.getParentSpanContext().isValid()) {
        return line;
      }
    }
  }

  /**
   * What a span is, for assertions on a line of them: kind, name, and the event-bus address (its kind:
   * {@code herald.seq.*}) or the HTTP path.
   */
  public static String describe(SpanData span) {
    String destination = span.getAttributes().get(DESTINATION);
    String path = span.getAttributes().get(URL_PATH);
    return span.getKind() + " " + span.getName()
        + (destination != null ? " " + destination.replaceAll("^(herald\\.[a-z]+)\\..*$", "$1.*") : "")
        + (path != null ? " " + path : "");
  }

  /** {@link #describe} of each span of a line. */
  public static List<String> describe(List<SpanData> line) {
    return line.stream().map(Spans::describe).toList();
  }
}
