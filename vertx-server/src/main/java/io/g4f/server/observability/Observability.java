package io.g4f.server.observability;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How a gateway's Vert.x instance is observed: Vert.x's own Micrometer metrics ({@code vertx_http_server_*},
 * {@code vertx_http_client_*} by upstream host, {@code vertx_eventbus_*}, worker pools) on the Prometheus registry
 * that {@code /metrics} serves next to the {@code g4f_*} meters ({@link io.g4f.server.config.GatewayOptions#setMeterRegistry}); and
 * OpenTelemetry tracing, configured by the SDK's autoconfigure from the standard {@code OTEL_*} variables, on only
 * when {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} or {@code OTEL_TRACES_EXPORTER}
 * (other than {@code none}) is set, and then with Vert.x's HTTP server, HTTP client and event-bus spans. Close it
 * after its Vert.x instance, so that the last spans are exported.
 *
 * @param registry the registry of every metric
 * @param openTelemetry the tracing SDK, or null when tracing is off
 */
public record Observability(PrometheusMeterRegistry registry, OpenTelemetrySdk openTelemetry) implements AutoCloseable {

  /**
   * The Vert.x metric labels: {@code remote} is the upstream's {@code host:port} on client metrics (one series per
   * upstream) and a constant on server ones; no event-bus address or Vert.x route (whose values are unbounded or
   * opaque): {@code g4f_requests_seconds} has the route templates.
   */
  private static final EnumSet<Label> LABELS = EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.REMOTE,
      Label.CLIENT_NAME, Label.EB_SIDE, Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME);
  /** Callers' addresses, folded into one value. */
  private static final List<Match> NO_CALLER_ADDRESSES = Stream.of(MetricsDomain.HTTP_SERVER, MetricsDomain.NET_SERVER)
      .map(domain -> new Match().setDomain(domain).setLabel(Label.REMOTE.toString()).setType(MatchType.REGEX)
          .setValue(".*").setAlias("callers"))
      .toList();

  /** A new registry, and tracing as {@code env} (the process environment, in its names) asks for. */
  public static Observability fromEnvironment(Map<String, String> env) {
    return new Observability(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), tracing(env));
  }

  /** Whether {@code env} asks for traces. */
  static boolean tracingAsked(Map<String, String> env) {
    String exporter = env.get("OTEL_TRACES_EXPORTER");
    return exporter != null ? !exporter.isBlank() && !exporter.equalsIgnoreCase("none")
        : env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT") || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  }

  /**
   * The autoconfigured SDK when {@code env} asks for traces, else null: traces only (metrics are Prometheus's, logs
   * Logback's), service name {@code g4f-gateway} unless set, OTLP over {@code http/protobuf} unless
   * {@code OTEL_EXPORTER_OTLP_PROTOCOL} says {@code grpc}, and {@code OTEL_TRACES_EXPORTER=logging} (or {@code console})
   * printing spans to the log; the {@code OTEL_*} entries of {@code env} are read as its properties (the real
   * environment and system properties win over them).
   */
  private static OpenTelemetrySdk tracing(Map<String, String> env) {
    if (!tracingAsked(env)) {
      return null;
    }
    Map<String, String> properties = new LinkedHashMap<>(Map.of("otel.metrics.exporter", "none",
        "otel.logs.exporter", "none", "otel.service.name", "g4f-gateway",
        "otel.exporter.otlp.protocol", "http/protobuf"));
    env.forEach((name, value) -> {
      if (name.startsWith("OTEL_")) {
        properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    // "console" is what the specification called the exporter that prints spans; the SDK knows it as "logging"
    properties.computeIfPresent("otel.traces.exporter", (name, value) -> value.replaceAll("(?i)\\bconsole\\b", "logging"));
    return AutoConfiguredOpenTelemetrySdk.builder().addPropertiesSupplier(() -> properties).build()
        .getOpenTelemetrySdk();
  }

  /** A builder of a Vert.x instance with {@code options}, its metrics on {@link #registry} and traced when tracing is on. */
  public VertxBuilder vertxBuilder(VertxOptions options) {
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setLabels(LABELS).setLabelMatches(NO_CALLER_ADDRESSES)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
    if (openTelemetry != null) {
      options.setTracingOptions(new OpenTelemetryOptions());
      builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
    }
    return builder.with(options);
  }

  /** Exports the spans not yet exported and stops tracing. */
  @Override
  public void close() {
    if (openTelemetry != null) {
      openTelemetry.close();
    }
  }
}
