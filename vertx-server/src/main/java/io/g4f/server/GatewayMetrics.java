package io.g4f.server;

import io.g4f.client.G4fException;
import io.g4f.client.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's Prometheus metrics, served at {@code /metrics}: request latency by route and status
 * ({@code g4f_requests_seconds}, a histogram whose count is the request count), tokens by provider
 * and kind ({@code g4f_tokens_total}), and upstream failures by provider and error
 * ({@code g4f_upstream_errors_total}); model calls and usage tokens by key name ({@code g4f_key_requests_total},
 * {@code g4f_key_tokens_total} with {@code type} {@code input} or {@code output}), never the key itself.
 */
final class GatewayMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** The request timers by route and status, so that recording one is a map lookup rather than a registration. */
  private final Map<String, Timer> requests = new ConcurrentHashMap<>();

  /** Records one finished request. {@code route} must be a route template, never a raw path. */
  void request(String route, int status, long nanos) {
    requests.computeIfAbsent(route + ' ' + status, key -> Timer.builder("g4f.requests")
            .description("Gateway requests by route and status")
            .tag("route", route).tag("status", String.valueOf(status))
            .publishPercentileHistogram()
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records the tokens of one answer. */
  void tokens(String provider, Usage usage) {
    if (usage == null) {
      return;
    }
    count("g4f.tokens", "Tokens by provider and kind", provider, "kind", "prompt", usage.getPromptTokens());
    count("g4f.tokens", "Tokens by provider and kind", provider, "kind", "completion", usage.getCompletionTokens());
  }

  /** Records one admitted model call by the key named {@code name}. */
  void keyRequest(String name) {
    Counter.builder("g4f.key.requests").description("Model calls by key name").tag("key", name).register(registry)
        .increment();
  }

  /** Records the usage tokens of one answer to the key named {@code name}. */
  void keyTokens(String name, Usage usage) {
    keyTokens(name, "input", usage.getPromptTokens());
    keyTokens(name, "output", usage.getCompletionTokens());
  }

  private void keyTokens(String name, String type, Integer amount) {
    if (amount != null && amount > 0) {
      Counter.builder("g4f.key.tokens").description("Usage tokens by key name and type").tag("key", name)
          .tag("type", type).register(registry).increment(amount);
    }
  }

  /** Records one upstream failure. */
  void upstreamError(Throwable failure) {
    String provider = failure instanceof G4fException g4f && g4f.provider() != null ? g4f.provider() : "none";
    count("g4f.upstream.errors", "Upstream failures by provider and error", provider, "error",
        failure.getClass().getSimpleName(), 1);
  }

  private void count(String name, String description, String provider, String key, String value, Integer amount) {
    if (amount != null && amount > 0) {
      Counter.builder(name).description(description).tag("provider", provider == null ? "none" : provider)
          .tag(key, value).register(registry).increment(amount);
    }
  }

  /** The Prometheus text exposition of every metric. */
  String scrape() {
    return registry.scrape();
  }
}
