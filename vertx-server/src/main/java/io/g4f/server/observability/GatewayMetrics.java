package io.g4f.server.observability;

import io.g4f.client.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The gateway's Prometheus metrics, served at {@code /metrics}: request latency by route (or event-bus address) and status
 * ({@code g4f_requests_seconds}, a histogram of a few service-level buckets, 50 ms to 2 min, whose count is the request count), tokens by provider
 * and kind ({@code g4f_tokens_total}), upstream failures answered to callers by provider and error
 * ({@code g4f_upstream_errors_total}), per routing target (configured provider and model):
 * {@code g4f_target_attempts_total}, {@code g4f_target_failures_total} (by error),
 * {@code g4f_target_fallbacks_total} (failures after which the next target was tried),
 * {@code g4f_target_skips_total} (skipped while the circuit was open) and
 * {@code g4f_target_circuit_state} (0 closed, 1 half-open, 2 open); and model calls and usage tokens by key
 * name ({@code g4f_key_requests_total}, {@code g4f_key_tokens_total} with {@code type} {@code input} or
 * {@code output}), never the key itself; spend: {@code g4f_cost_usd_total} (US dollars by key name, provider and
 * model), {@code g4f_unpriced_requests_total} (answers of a model without a price, by provider and model) and
 * {@code g4f_ledger_dropped_rows_total} (ledger rows lost while the database could not take them). Providers are
 * named as configured.
 */
public final class GatewayMetrics {

  /** The request-latency buckets (service-level objectives): a few, not one per percentile step. */
  private static final Duration[] LATENCY_BUCKETS = Stream.of(50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000,
      60_000, 120_000).map(Duration::ofMillis).toArray(Duration[]::new);

  private final PrometheusMeterRegistry registry;
  /** The request timers by route and status, so that recording one is a map lookup rather than a registration. */
  private final Map<String, Timer> requests = new ConcurrentHashMap<>();
  /** The counters of each registered routing target, so that counting is a map lookup. */
  private final Map<MeasuredTarget, TargetMeters> targets = new ConcurrentHashMap<>();
  /** Every other counter by name and tags, so that counting is a map lookup rather than a registration. */
  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

  /** Metrics on {@code registry}, or on one of their own when it is null. */
  public GatewayMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry != null ? registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  private record TargetMeters(Counter attempts, Counter fallbacks, Counter skips) {
  }

  /**
   * Records one finished request. {@code route} must be a route template or one of the gateway's event-bus
   * addresses, never a raw path.
   */
  public void request(String route, int status, long nanos) {
    requests.computeIfAbsent(route + ' ' + status, key -> Timer.builder("g4f.requests")
            .description("Gateway requests by route and status")
            .tag("route", route).tag("status", String.valueOf(status))
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records the tokens of one answer. */
  public void tokens(String provider, Usage usage) {
    if (usage == null) {
      return;
    }
    count("g4f.tokens", "Tokens by provider and kind", provider, "kind", "prompt", usage.getPromptTokens());
    count("g4f.tokens", "Tokens by provider and kind", provider, "kind", "completion", usage.getCompletionTokens());
  }

  /** Records one admitted model call by the key named {@code name}. */
  public void keyRequest(String name) {
    counter("g4f.key.requests", "Model calls by key name", "key", name).increment();
  }

  /** Records the usage tokens of one answer to the key named {@code name}. */
  public void keyTokens(String name, Usage usage) {
    keyTokens(name, "input", usage.getPromptTokens());
    keyTokens(name, "output", usage.getCompletionTokens());
  }

  private void keyTokens(String name, String type, Integer amount) {
    if (amount != null && amount > 0) {
      counter("g4f.key.tokens", "Usage tokens by key name and type", "key", name, "type", type).increment(amount);
    }
  }

  /**
   * Records what one answer cost, {@code usd}, to the key named {@code key} (null: a caller without a key, as
   * {@code none}), served by {@code provider} for {@code model}.
   */
  public void cost(String key, String provider, String model, BigDecimal usd) {
    if (usd.signum() > 0) {
      counter("g4f.cost.usd", "Spend in US dollars by key name, provider and model", "key", key == null ? "none" : key,
          "provider", provider, "model", model == null ? "default" : model).increment(usd.doubleValue());
    }
  }

  /** Records one answer of {@code provider} for {@code model}, which has no price. */
  public void unpriced(String provider, String model) {
    counter("g4f.unpriced.requests", "Answers of a model without a price, by provider and model", "provider", provider,
        "model", model == null ? "default" : model).increment();
  }

  /** Records {@code rows} ledger rows dropped because the database could not take them in time. */
  public void ledgerDropped(int rows) {
    counter("g4f.ledger.dropped.rows", "Ledger rows dropped while the database was unavailable").increment(rows);
  }

  /** Records one upstream failure answered to a caller; {@code provider} is the configured name, or null when none served. */
  public void upstreamError(String provider, Throwable failure) {
    count("g4f.upstream.errors", "Upstream failures by provider and error", provider, "error",
        failure.getClass().getSimpleName(), 1);
  }

  /** Starts measuring {@code target}: its circuit state and counters. Targets never registered are not measured. */
  public void target(MeasuredTarget target) {
    Tags tags = tags(target);
    Gauge.builder("g4f.target.circuit.state", target, MeasuredTarget::circuitState)
        .description("Circuit state of a routing target: 0 closed, 1 half-open, 2 open").tags(tags).register(registry);
    targets.put(target, new TargetMeters(
        Counter.builder("g4f.target.attempts").description("Requests sent to a routing target").tags(tags).register(registry),
        Counter.builder("g4f.target.fallbacks").description("Requests that moved on from a routing target to the next")
            .tags(tags).register(registry),
        Counter.builder("g4f.target.skips").description("Requests that skipped a routing target whose circuit is open")
            .tags(tags).register(registry)));
  }

  /** A request was sent to {@code target}. */
  public void attempt(MeasuredTarget target) {
    TargetMeters meters = targets.get(target);
    if (meters != null) {
      meters.attempts().increment();
    }
  }

  /** {@code target} failed before its first chunk. */
  public void failed(MeasuredTarget target, Throwable failure) {
    if (targets.containsKey(target)) {
      counter("g4f.target.failures", "Failures of a routing target before its first chunk", "provider",
          target.provider(), "model", modelTag(target), "error", failure.getClass().getSimpleName()).increment();
    }
  }

  /** The request moved on from {@code target} to the next. */
  public void fellBack(MeasuredTarget target) {
    TargetMeters meters = targets.get(target);
    if (meters != null) {
      meters.fallbacks().increment();
    }
  }

  /** {@code target} was skipped because its circuit is open. */
  public void skipped(MeasuredTarget target) {
    TargetMeters meters = targets.get(target);
    if (meters != null) {
      meters.skips().increment();
    }
  }

  private static Tags tags(MeasuredTarget target) {
    return Tags.of("provider", target.provider(), "model", modelTag(target));
  }

  private static String modelTag(MeasuredTarget target) {
    return target.model() == null ? "default" : target.model();
  }

  private void count(String name, String description, String provider, String key, String value, Integer amount) {
    if (amount != null && amount > 0) {
      counter(name, description, "provider", provider == null ? "none" : provider, key, value).increment(amount);
    }
  }

  /** The counter {@code name} with these tag names and values, registered the first time. */
  private Counter counter(String name, String description, String... tags) {
    List<String> key = new ArrayList<>(tags.length + 1);
    key.add(name);
    key.addAll(Arrays.asList(tags));
    return counters.computeIfAbsent(key, absent ->
        Counter.builder(name).description(description).tags(tags).register(registry));
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
