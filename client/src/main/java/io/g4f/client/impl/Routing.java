package io.g4f.client.impl;

import io.g4f.client.AllProvidersFailedException;
import io.g4f.client.ClientOptions;
import io.g4f.client.G4fException;
import io.g4f.client.ProviderException;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Which provider answers, with which key: a list of providers tried in order (or shuffled) until one
 * accepts the call, each behind its own circuit breaker so a dead provider is skipped until it
 * recovers. A single provider's failure is reported as it is; a list's as
 * {@link AllProvidersFailedException}.
 */
final class Routing {

  /** Consecutive provider-side failures that open a provider's circuit. */
  static final int BREAKER_MAX_FAILURES = 5;
  /** How long an open circuit stays open before one trial call, in ms. */
  static final long BREAKER_RESET_TIMEOUT = 30_000;

  private final Vertx vertx;
  private final List<Provider> providers;
  private final ClientOptions options;
  private final Map<String, CircuitBreaker> breakers;
  private final Map<String, String> keys = new LinkedHashMap<>();

  /**
   * @param names the provider names, separated by spaces or commas
   * @param breakers the client's breakers by provider name, shared by its routings
   */
  Routing(Vertx vertx, ProviderRegistry registry, String names, ClientOptions options,
          Map<String, CircuitBreaker> breakers) {
    this.vertx = vertx;
    this.options = options;
    this.breakers = breakers;
    List<Provider> resolved = new ArrayList<>();
    for (String name : names.trim().split("[\\s,]+")) {
      resolved.add(registry.get(name));
    }
    this.providers = List.copyOf(resolved);
    options.getApiKeys().forEach((provider, key) -> keys.put(provider.toLowerCase(Locale.ROOT), key));
  }

  /** The first provider: the one the client's {@code apiKey} and {@code baseUrl} belong to. */
  Provider first() {
    return providers.get(0);
  }

  /** The key for {@code provider}: its {@code apiKeys} entry, the client's key if first, its environment variable. */
  String apiKey(Provider provider) {
    String key = keys.get(provider.name().toLowerCase(Locale.ROOT));
    if (key == null && provider == first()) {
      key = options.getApiKey();
    }
    if (key == null && provider.apiKeyVariable() != null) {
      key = System.getenv(provider.apiKeyVariable());
    }
    return key;
  }

  /** The base URL override for {@code provider}: the client's, for the first provider only. */
  String baseUrl(Provider provider) {
    return provider == first() ? options.getBaseUrl() : null;
  }

  /** Runs {@code call} with each provider in turn until one succeeds. */
  <T> Future<T> run(Function<Provider, Future<T>> call) {
    if (providers.size() == 1) {
      return call.apply(first());
    }
    List<Provider> order = new ArrayList<>(providers);
    if (options.isShuffleProviders()) {
      Collections.shuffle(order);
    }
    return next(order, 0, new LinkedHashMap<>(), call);
  }

  private <T> Future<T> next(List<Provider> order, int index, Map<String, Throwable> failures,
                             Function<Provider, Future<T>> call) {
    if (index == order.size()) {
      return Future.failedFuture(new AllProvidersFailedException(failures));
    }
    Provider provider = order.get(index);
    return call.apply(provider).recover(failure -> {
      failures.put(provider.name(), failure);
      return next(order, index + 1, failures, call);
    });
  }

  /**
   * Runs one attempt behind {@code provider}'s circuit breaker. Only failures a retry could cure
   * (5xx, timeouts, connection errors, rate limits) count against the provider; while its circuit is
   * open, calls fail at once without reaching it.
   */
  <T> Future<T> guard(Provider provider, Supplier<Future<T>> attempt) {
    CircuitBreaker breaker = breakers.computeIfAbsent(provider.name(), name -> CircuitBreaker.create(
            "g4f-" + name, vertx, new CircuitBreakerOptions().setMaxFailures(BREAKER_MAX_FAILURES)
                .setResetTimeout(BREAKER_RESET_TIMEOUT).setTimeout(-1).setFallbackOnFailure(false))
        .failurePolicy(outcome -> outcome.failed()
            && !(outcome.cause() instanceof G4fException g4f && !g4f.retryable())));
    return breaker.<T>execute(attempt).recover(failure -> Future.failedFuture(failure instanceof OpenCircuitException
        ? new ProviderException(provider.name() + " is skipped: it failed " + BREAKER_MAX_FAILURES
            + " times in a row (circuit open; retried after " + BREAKER_RESET_TIMEOUT / 1000 + " s)", 0,
            provider.name())
        : failure));
  }

  /** A fresh map of breakers for one client. */
  static Map<String, CircuitBreaker> newBreakers() {
    return new ConcurrentHashMap<>();
  }
}
