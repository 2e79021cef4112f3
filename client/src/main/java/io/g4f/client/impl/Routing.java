package io.g4f.client.impl;

import io.g4f.client.ClientOptions;
import io.g4f.client.errors.AllProvidersFailedException;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.spi.Capability;
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
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Which provider answers, with which key: a list of providers tried in order (or shuffled) until one
 * accepts the call, each behind its own circuit breaker so a dead provider is skipped until it
 * recovers. A request naming a model goes to the providers of the list that serve it (all of them
 * when none claims it). {@link #ANY} routes by model alone, like g4f's any-provider: to every
 * provider of the registry that serves the model and has its key. A single provider's failure is
 * reported as it is; several providers' as {@link AllProvidersFailedException}.
 */
final class Routing {

  /** The provider names that mean "any provider that serves the model" (matched case-insensitively). */
  static final Set<String> ANY = Set.of("any", "anyprovider");

  private final Vertx vertx;
  private final List<Provider> providers;
  private final boolean any;
  private final ClientOptions options;
  private final Map<String, Breaker> breakers;
  private final Map<String, String> keys = new LinkedHashMap<>();

  /**
   * @param names the provider names, separated by spaces or commas, or one of {@link #ANY}
   * @param purpose what the providers are for: with {@link #ANY}, only providers with this capability take part
   * @param breakers the client's breakers by provider name, shared by its routings
   */
  Routing(Vertx vertx, ProviderRegistry registry, String names, Capability purpose, ClientOptions options,
          Map<String, Breaker> breakers) {
    this.vertx = vertx;
    this.options = options;
    this.breakers = breakers;
    options.getApiKeys().forEach((provider, key) -> keys.put(provider.toLowerCase(Locale.ROOT), key));
    this.any = ANY.contains(names.trim().toLowerCase(Locale.ROOT));
    List<Provider> resolved = new ArrayList<>();
    if (any) {
      registry.providers().stream().filter(provider -> provider.capabilities().contains(purpose))
          .forEach(resolved::add);
    } else {
      for (String name : names.trim().split("[\\s,]+")) {
        resolved.add(resolve(name, registry, options));
      }
    }
    this.providers = List.copyOf(resolved);
  }

  /** The provider {@code name} selects: a provider entry of the options, else the registry's provider. */
  private static Provider resolve(String name, ProviderRegistry registry, ClientOptions options) {
    return options.getProviders().stream().filter(entry -> entry.getName().equalsIgnoreCase(name.trim()))
        .findFirst().<Provider>map(entry -> EntryProvider.of(entry, registry))
        .orElseGet(() -> registry.get(name));
  }

  /** A description of this routing for messages: the provider's name, or the list. */
  String describe() {
    return any ? "Any" : String.join(" ", providers.stream().map(Provider::name).toList());
  }

  /**
   * The providers that can take a call for {@code model} (null: each one's default), in order. With
   * {@link #ANY}: those that serve it and have a key when they need one.
   *
   * @throws ModelNotFoundException when {@link #ANY} finds none
   */
  List<Provider> candidates(String model) {
    if (any) {
      List<Provider> usable = providers.stream()
          .filter(provider -> (model == null || serves(provider, model)) && hasKey(provider)).toList();
      if (usable.isEmpty()) {
        throw new ModelNotFoundException("No provider serves the model '" + model + "' with a key set; "
            + "set a provider's key (OPENAI_API_KEY, ...) or name a provider",
                new ErrorDetails().status(404).type("invalid_request_error").code("model_not_found").param("model"));
      }
      return usable;
    }
    if (model == null || providers.size() == 1) {
      return providers;
    }
    List<Provider> serving = providers.stream().filter(provider -> serves(provider, model)).toList();
    return serving.isEmpty() ? providers : serving;
  }

  /** The model name {@code provider} knows {@code model} by (its alias resolved), or its default model for null. */
  static String modelFor(Provider provider, String model) {
    return model == null ? provider.defaultModel() : provider.aliases().getOrDefault(model, model);
  }

  private static boolean serves(Provider provider, String model) {
    return provider.models().contains(model) || provider.aliases().containsKey(model);
  }

  private boolean hasKey(Provider provider) {
    return !provider.capabilities().contains(Capability.AUTH) || apiKey(provider, null) != null;
  }

  /**
   * The key for {@code provider}: its provider entry's key, else its {@code apiKeys} entry; for the first provider
   * of a list, the call's {@code override} or the client's key; else its environment variable.
   */
  String apiKey(Provider provider, String override) {
    String key = provider instanceof EntryProvider entry ? entry.entry().getApiKey() : null;
    key = key != null ? key : keys.get(provider.name().toLowerCase(Locale.ROOT));
    if (key == null && isFirst(provider)) {
      key = override != null ? override : options.getApiKey();
    }
    if (key == null && provider.apiKeyVariable() != null) {
      key = System.getenv(provider.apiKeyVariable());
    }
    return key;
  }

  /**
   * {@code failure}, or, when it is a 401 and no key was set for {@code provider}, which takes one, an
   * {@link AuthenticationException} that says so and names the environment variable that was read.
   */
  static Throwable explainMissingKey(Provider provider, String key, Throwable failure) {
    boolean takesKey = provider.capabilities().contains(Capability.AUTH) || provider.apiKeyVariable() != null;
    if (key != null || !takesKey || !(failure instanceof AuthenticationException refused) || refused.status() != 401) {
      return failure;
    }
    String variable = provider.apiKeyVariable();
    String where = variable == null
        ? (provider instanceof EntryProvider
            ? " (a provider entry whose baseUrl is another address than its type's reads no environment variable)" : "")
        : " and the environment variable " + variable + ", which was read, is not set";
    return new AuthenticationException(failure.getMessage() + " (no API key was set for " + provider.name()
        + ": none in the options (setApiKey, putApiKey, a provider entry's apiKey)" + where + ")",
        new ErrorDetails().status(401).provider(refused.provider()).type(refused.type()).code(refused.code())
            .param(refused.param()));
  }

  /** The base URL override for {@code provider}: its provider entry's; else the client's, for the first of a list only. */
  String baseUrl(Provider provider) {
    if (provider instanceof EntryProvider entry && entry.entry().getBaseUrl() != null) {
      return entry.entry().getBaseUrl();
    }
    return isFirst(provider) ? options.getBaseUrl() : null;
  }

  /** Whether {@code provider} is the one a list names first (the one the client's key and base URL belong to). */
  private boolean isFirst(Provider provider) {
    return !any && provider == providers.get(0);
  }

  /** One provider's turn in {@link #run}: {@code fallbackFollows} when another provider is tried if it fails. */
  interface Turn<T> {

    Future<T> call(Provider provider, boolean fallbackFollows);
  }

  /** Runs {@code call} with each candidate for {@code model} in turn until one succeeds or the call is cancelled. */
  <T> Future<T> run(String model, Turn<T> call) {
    List<Provider> order = new ArrayList<>(candidates(model));
    if (order.size() == 1) {
      return call.call(order.get(0), false);
    }
    if (options.isShuffleProviders()) {
      Collections.shuffle(order);
    }
    return next(order, 0, new LinkedHashMap<>(), call);
  }

  private <T> Future<T> next(List<Provider> order, int index, Map<String, Throwable> failures,
                             Turn<T> call) {
    if (index == order.size()) {
      return Future.failedFuture(new AllProvidersFailedException(failures));
    }
    Provider provider = order.get(index);
    return call.call(provider, index + 1 < order.size()).recover(failure -> {
      if (failure instanceof CancellationException) {
        return Future.failedFuture(failure);
      }
      failures.put(provider.name(), failure);
      return next(order, index + 1, failures, call);
    });
  }

  /**
   * Runs one attempt behind {@code provider}'s circuit breaker ({@link ClientOptions#getCircuitBreakerFailures()}; none
   * when that is 0). Only failures a retry could cure (5xx, timeouts, connection errors, rate limits) count against
   * the provider; while its circuit is open, calls fail at once without reaching it.
   */
  <T> Future<T> guard(Provider provider, Supplier<Future<T>> attempt) {
    int maxFailures = options.getCircuitBreakerFailures();
    if (maxFailures == 0) {
      return attempt.get();
    }
    long resetTimeout = options.getCircuitBreakerResetTimeout();
    Breaker breaker = breakers.computeIfAbsent(provider.name(), name -> new Breaker(CircuitBreaker.create(
            "g4f-" + name, vertx, new CircuitBreakerOptions().setMaxFailures(maxFailures)
                .setResetTimeout(resetTimeout).setTimeout(-1).setFallbackOnFailure(false))
        .failurePolicy(outcome -> outcome.failed() && !(outcome.cause() instanceof CancellationException)
            && !(outcome.cause() instanceof G4fException g4f && !g4f.retryable())), new AtomicReference<>()));
    return breaker.circuit().<T>execute(attempt).recover(failure -> {
      if (!(failure instanceof OpenCircuitException)) {
        breaker.lastFailure().set(failure);
        return Future.failedFuture(failure);
      }
      Throwable last = breaker.lastFailure().get();
      return Future.failedFuture(new ProviderException(provider.name() + " is skipped: it failed "
          + maxFailures + " times in a row (circuit open; retried after " + resetTimeout / 1000
          + " s); last failure: " + (last == null ? "unknown" : last.getMessage()),
          new ErrorDetails().provider(provider.name()).cause(last)));
    });
  }

  /** A provider's circuit breaker and the last failure it saw (the cause reported while it is open). */
  record Breaker(CircuitBreaker circuit, AtomicReference<Throwable> lastFailure) {
  }

  /** A fresh map of breakers for one client. */
  static Map<String, Breaker> newBreakers() {
    return new ConcurrentHashMap<>();
  }
}
