package io.herald.node;

import io.herald.core.config.HeraldConfig;
import io.herald.core.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A node's tracing ({@code tracing.*}; docs/architecture.md, Observability). Off (the default) it builds nothing: the
 * node's {@link VertxOptions} have no tracing options and its Vert.x no tracer, so no span, header or context lookup
 * exists anywhere. On, an OpenTelemetry SDK of the node's own (never the global one): W3C trace context across the
 * event bus, {@link TraceSampler}, every span tagged {@value #NODE_KEY} with the node's id, and a
 * {@link BatchSpanProcessor} that sends spans to the collector over OTLP/HTTP (protobuf, with the JDK's HTTP client)
 * off the event loops, dropping them rather than waiting when the collector falls behind. Vert.x traces through
 * vertx-opentelemetry with it; Herald's own spans ({@link Tracing}) use it too. {@link #shutdown} sends the last spans.
 */
final class NodeTracing {

  static final String SERVICE = "herald";
  static final String NODE_KEY = "herald.node";
  static final AttributeKey<String> NODE = AttributeKey.stringKey(NODE_KEY);
  /** How long a stopping node waits for its last spans to leave. */
  private static final long FLUSH_TIMEOUT_MS = 3_000;
  private static final String TRACES_PATH = "/v1/traces";
  private static final NodeTracing OFF = new NodeTracing(null, null);

  /** Null when off. */
  private final OpenTelemetrySdk sdk;
  private final NodeAttribute node;
  private final Tracing herald;
  private final AtomicBoolean shutDown = new AtomicBoolean();

  private NodeTracing(OpenTelemetrySdk sdk, NodeAttribute node) {
    this.sdk = sdk;
    this.node = node;
    this.herald = sdk == null ? Tracing.OFF : Tracing.of(sdk);
  }

  /**
   * The node's tracing as {@code config} has it: off without {@code tracing.enabled}; on, spans go to {@code exporter},
   * or, when it is null (always, but in tests), to OTLP at {@code tracing.otlp_endpoint}.
   */
  static NodeTracing from(HeraldConfig config, SpanExporter exporter) {
    if (!config.get(HeraldConfig.TRACING_ENABLED)) {
      return OFF;
    }
    SpanExporter spans = exporter != null ? exporter
        : OtlpHttpSpanExporter.builder().setEndpoint(tracesUrl(config.get(HeraldConfig.TRACING_OTLP_ENDPOINT))).build();
    NodeAttribute node = new NodeAttribute();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), SERVICE))))
        .setSampler(new TraceSampler(config.get(HeraldConfig.TRACING_SAMPLE_RATIO)))
        .addSpanProcessor(node)
        .addSpanProcessor(BatchSpanProcessor.builder(spans).build())
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    return new NodeTracing(sdk, node);
  }

  /** What is wrong with the tracing settings, one line each: none when tracing is off. */
  static List<String> problems(HeraldConfig config) {
    List<String> problems = new ArrayList<>();
    if (config.get(HeraldConfig.TRACING_ENABLED)) {
      String endpoint = config.get(HeraldConfig.TRACING_OTLP_ENDPOINT);
      try {
        tracesUrl(endpoint);
      } catch (IllegalArgumentException e) {
        problems.add(HeraldConfig.TRACING_OTLP_ENDPOINT.key() + ": an http or https URL of an OTLP/HTTP collector is needed"
            + " (http://otel-collector:4318), got '" + endpoint + "'");
      }
    }
    return problems;
  }

  /** The OTLP/HTTP traces URL of {@code endpoint}: as given when it has a path, else with {@value #TRACES_PATH}. */
  static String tracesUrl(String endpoint) {
    URI uri = URI.create(endpoint.trim());
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("not an http(s) URL: " + endpoint);
    }
    String path = uri.getRawPath();
    String base = uri.toString();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + TRACES_PATH;
    }
    return base;
  }

  /**
   * A builder of the node's Vert.x with {@code options}: off, as they are; on, with {@link OpenTelemetryOptions} and
   * Vert.x's OpenTelemetry tracer over this SDK (HTTP server requests and event-bus messages, as their tracing policy
   * says).
   */
  VertxBuilder vertx(VertxOptions options) {
    if (sdk == null) {
      return Vertx.builder().with(options);
    }
    return Vertx.builder().with(options.setTracingOptions(new OpenTelemetryOptions()))
        .withTracer(new OpenTelemetryTracingFactory(sdk));
  }

  /** Herald's own spans through this SDK ({@link Tracing#OFF} when off). */
  Tracing herald() {
    return herald;
  }

  /** Tags every span started from now on with the node's id (known only once a clustered node has joined). */
  void node(String id) {
    if (node != null) {
      node.id = id;
    }
  }

  /** Sends the spans not sent yet and stops the SDK; completes when done, or after {@value #FLUSH_TIMEOUT_MS} ms. */
  Future<Void> shutdown() {
    if (sdk == null || !shutDown.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    sdk.shutdown().whenComplete(() -> done.complete(null));
    return Future.fromCompletionStage(done.completeOnTimeout(null, FLUSH_TIMEOUT_MS, TimeUnit.MILLISECONDS));
  }

  /** Sets {@value #NODE_KEY} on each span as it starts. */
  private static final class NodeAttribute implements SpanProcessor {
    volatile String id;

    @Override
    public void onStart(Context parent, ReadWriteSpan span) {
      String node = id;
      if (node != null) {
        span.setAttribute(NODE, node);
      }
    }

    @Override
    public boolean isStartRequired() {
      return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
      return false;
    }
  }
}
