package io.g4f.server.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.math.BigDecimal;

/**
 * The span of the request a call belongs to (the HTTP server's, or the event bus consumer's), as current when the
 * call starts, for what the gateway learns of the whole request: its cost, {@code g4f.cost.usd}. A no-op without
 * tracing.
 */
public final class RequestSpan {

  private static final AttributeKey<Double> COST = AttributeKey.doubleKey("g4f.cost.usd");

  private final Span span;

  private RequestSpan(Span span) {
    this.span = span;
  }

  /** The current request's span. */
  public static RequestSpan current() {
    return new RequestSpan(Span.current());
  }

  /** Records the request's cost in US dollars. */
  public void cost(BigDecimal usd) {
    span.setAttribute(COST, usd.doubleValue());
  }
}
