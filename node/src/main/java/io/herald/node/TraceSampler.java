package io.herald.node;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

import java.util.List;

/**
 * Which traces a node records. Only an HTTP request starts one (Vert.x's server span: the only span Herald lets
 * begin without a parent), at {@code tracing.sample_ratio} by trace id; health probes and metrics scrapes never
 * do, or every kubelet probe and Prometheus scrape would be a trace. Every other span (the event bus's, Herald's
 * fan-out) follows its parent, the sequencer's request from another node included, so a publish is traced on every
 * node it reaches or on none. A request's incoming {@code traceparent} keeps its trace id but not its sampled flag:
 * a client must not be able to turn sampling up.
 */
final class TraceSampler implements Sampler {

  /** What Vert.x's HTTP server span says of the request's path (its tag extractor). */
  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

  private final Sampler ratio;
  private final String description;

  TraceSampler(double ratio) {
    this.ratio = Sampler.traceIdRatioBased(ratio);
    this.description = "TraceSampler{" + this.ratio.getDescription() + "}";
  }

  @Override
  public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind, Attributes attributes,
                                     List<LinkData> links) {
    String path = kind == SpanKind.SERVER ? attributes.get(URL_PATH) : null;
    if (path == null) {
      return Span.fromContext(parent).getSpanContext().isSampled() ? SamplingResult.recordAndSample() : SamplingResult.drop();
    }
    if (path.startsWith("/health/") || path.equals("/metrics")) {
      return SamplingResult.drop();
    }
    return ratio.shouldSample(parent, traceId, name, kind, attributes, links);
  }

  @Override
  public String getDescription() {
    return description;
  }
}
