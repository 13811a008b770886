package io.herald.core.tracing;

import io.herald.core.Message;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.tracing.TracingPolicy;

/**
 * Herald's own part of a publish's trace (tracing.enabled; docs/architecture.md, Observability). Vert.x
 * (vertx-opentelemetry) traces the HTTP request and each event-bus message that carries a trace; two hops it cannot
 * follow by itself are carried here:
 * <ul>
 *   <li>A sequencer appends the publishes that arrive while its store is busy together, and sends them on from the
 *   callback of whichever append finished last: the Vert.x context there is another publish's, or none. So the
 *   sequencer {@link #current captures} each publish's trace when it arrives and sends its messages
 *   {@link #within} it.</li>
 *   <li>Inside a node a message goes to the channel's local address, where every event loop with subscribers has a
 *   consumer: traced, that would be a span per loop. That publish is never traced ({@link TracingPolicy#IGNORE});
 *   instead one {@value #FANOUT} span per node marks the message reaching the node's subscribers
 *   ({@link #fanout}).</li>
 * </ul>
 * Without a trace to continue, the sends that could pick up whatever trace their Vert.x context holds go with
 * {@link TracingPolicy#IGNORE} too: high-rate traffic (untraced publishes, presence pushes, the canary) creates
 * nothing. {@link #OFF} (the default) does nothing and allocates nothing: no tracer exists.
 */
public final class Tracing {

  /** No tracing: {@link #current} is always null, so nothing is captured, wrapped or spanned. */
  public static final Tracing OFF = new Tracing(null);
  /** The span of one message reaching one node's subscribers (its local channel address). */
  public static final String FANOUT = "herald.fanout";
  public static final AttributeKey<String> CHANNEL = AttributeKey.stringKey("herald.channel");
  public static final AttributeKey<Long> OFFSET = AttributeKey.longKey("herald.offset");

  private final Tracer tracer;

  private Tracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /** Herald's spans through {@code openTelemetry} (the node's SDK). */
  public static Tracing of(OpenTelemetry openTelemetry) {
    return new Tracing(openTelemetry.getTracer("io.herald"));
  }

  /**
   * The caller's trace, to continue after a hop Vert.x does not follow: the current context when a sampled span is
   * active in it (an unsampled one records nothing anywhere, so it is not carried either); otherwise, and always when
   * tracing is off, null.
   */
  public Context current() {
    if (tracer == null) {
      return null;
    }
    Context context = Context.current();
    return Span.fromContext(context).getSpanContext().isSampled() ? context : null;
  }

  /**
   * Runs {@code send} with {@code trace} current, so that an event-bus send in it (policy PROPAGATE, the default)
   * continues that trace: Vert.x reads the trace from the current context.
   */
  public static void within(Context trace, Runnable send) {
    Scope scope = trace.makeCurrent();
    try {
      send.run();
    } finally {
      scope.close();
    }
  }

  /**
   * Runs {@code deliver} (the untraced local publish of {@code message} to this node's subscribers) in a
   * {@value #FANOUT} span of {@code trace} (from {@link #current}, not null).
   */
  public void fanout(Context trace, Message message, Runnable deliver) {
    Span span = tracer.spanBuilder(FANOUT).setParent(trace).setSpanKind(SpanKind.CONSUMER)
        .setAttribute(CHANNEL, message.channel()).setAttribute(OFFSET, message.offset()).startSpan();
    try {
      deliver.run();
    } finally {
      span.end();
    }
  }
}
