package io.g4f.server;

import io.g4f.client.AsyncClient;
import io.g4f.client.CallOptions;
import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.Extensible;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Routes chat and embeddings requests to {@link Target}s and moves on when one fails before its first chunk. A request
 * goes to the providers it names (the route's or header's list, else the body's {@code "provider"},
 * a name or a list, removed from the body), in order, with its own model; else, when its model is a
 * {@link ModelGroup}'s name, to the group's targets in the order of its strategy; else to the provider
 * that lists its model, else the default provider (404 when that one serves only what it lists).
 *
 * <p>A target whose circuit is open is skipped without a connection attempt. A failure moves on when it
 * is {@linkplain #providerSide provider-side} (these also count towards opening the target's circuit),
 * or has a code in the group's {@code fallbackOn}; any other failure (400, 401, 404...) is the answer.
 * When no target is left: a route of one target answers with that target's failure; otherwise
 * {@link TargetsFailedException} names each target's failure (503 when every circuit was open).
 * After a stream's first chunk nothing moves on. Answers name the configured provider that served them. What a
 * target is asked is up to the caller ({@link Attempt}): chat, or an API's own request ({@link DialectGateway}).
 */
final class ModelRouter {

  /** The request header naming providers to try in order ({@code oai,claude}), and the response header naming the one that served. */
  static final String PROVIDER_HEADER = "x-g4f-provider";
  /** Most targets kept (with breaker, latency and metrics); beyond, requests for new ones get a fresh untracked target. */
  static final int MAX_TARGETS = 1024;

  /**
   * The targets of one request in the order they are tried, and its group's rules.
   *
   * @param description what was asked for, for error messages
   */
  record Route(String description, List<Target> targets, Set<String> fallbackOn, Long timeout, Integer retries) {

    /** The configured provider of a one-target route (its failure is that provider's), else null. */
    String provider() {
      return targets.size() == 1 ? targets.get(0).provider() : null;
    }
  }

  /** An answer and the target that gave it. */
  record Served<T>(Target target, T answer) {
  }

  private final Vertx vertx;
  private final GatewayOptions options;
  private final Upstreams upstreams;
  private final GatewayMetrics metrics;
  private final Map<String, Target> targets;
  private final Tracer tracer;

  ModelRouter(Vertx vertx, GatewayOptions options, Upstreams upstreams, GatewayMetrics metrics) {
    this(vertx, options, upstreams, metrics, new LinkedHashMap<>());
    options.getModelGroups().forEach(group -> group.targets().forEach(target -> target(target.provider(), target.model())));
  }

  private ModelRouter(Vertx vertx, GatewayOptions options, Upstreams upstreams, GatewayMetrics metrics,
      Map<String, Target> targets) {
    this.vertx = vertx;
    this.options = options;
    this.upstreams = upstreams;
    this.metrics = metrics;
    this.targets = targets;
    this.tracer = options.getOpenTelemetry().getTracer("io.g4f.server");
  }

  /**
   * A router for another event loop, calling through that loop's {@code upstreams}, with the same targets as this one:
   * their breakers, requests in flight and latencies are the gateway's, whichever event loop a request runs on.
   */
  ModelRouter calling(Upstreams upstreams) {
    return new ModelRouter(vertx, options, upstreams, metrics, targets);
  }

  /**
   * The route of {@code request}; takes g4f's {@code "provider"} field out of its body.
   *
   * @param named the providers named outside the body (route path, header), separated by commas or spaces; or null
   * @throws G4fException 404 for an unknown provider or model, 400 for a {@code provider} field that is no name or list
   */
  Route route(String named, ChatCompletionRequest request) {
    return route(named, request.getModel(), request);
  }

  /** The route of an embeddings request; as {@link #route(String, ChatCompletionRequest)}. */
  Route route(String named, EmbeddingRequest request) {
    return route(named, request.getModel(), request);
  }

  private Route route(String named, String model, Extensible<?> request) {
    List<String> names = named(named, request);
    if (!names.isEmpty()) {
      return new Route("providers " + String.join(", ", names), names.stream()
          .map(name -> target(upstreams.provider(name).name(), model)).toList(), Set.of(), null, null);
    }
    ModelGroup group = options.modelGroup(model);
    if (group != null) {
      return new Route("model group '" + group.name() + "'", order(group), group.fallbackOn(), group.timeout(),
          group.retries());
    }
    GatewayOptions.ProviderConfig provider = model == null ? options.getDefaultProvider()
        : options.getProviders().stream().filter(candidate -> candidate.models().contains(model)).findFirst()
        .orElse(options.getDefaultProvider());
    if (model != null && !provider.takesAnyModel() && !provider.models().contains(model)) {
      throw new ModelNotFoundException("The model '" + model + "' does not exist",
          new ErrorDetails().status(404).type("invalid_request_error").code("model_not_found").param("model"));
    }
    return new Route(model == null ? "the default model" : "model '" + model + "'",
        List.of(target(provider.name(), model)), Set.of(), null, null);
  }

  /**
   * One target's attempt at a call, asked of {@code client} (the target's own) with {@code options} (the caller's
   * timeout, bounded by the route's, cancellation and headers): a whole answer, or a stream the router reads up to
   * its first item. It may record what it learns in {@code span}, which the router ends.
   */
  @FunctionalInterface
  interface Attempt<T> {

    Future<T> start(Target target, AsyncClient client, DirectCallOptions options, AttemptSpan span);
  }

  /**
   * A whole answer along {@code route}; {@code call} carries the caller's timeout (bounded by the route's) and
   * cancellation (a caller who left closes the upstream request, and no other target is tried).
   */
  Future<Served<ChatCompletion>> complete(Route route, ChatCompletionRequest request, CallOptions call) {
    return complete(route, request.getModel(), call, (target, client, options, span) -> client.chat().completions()
        .create(forTarget(request, target), options)
        .onSuccess(span::answer)
        .map(completion -> completion.setProvider(target.provider())));
  }

  /** A whole answer along {@code route}, each target's asked by {@code attempt}; {@code call} as for {@link #complete}. */
  <T> Future<Served<T>> complete(Route route, String model, CallOptions call, Attempt<T> attempt) {
    return run(route, "chat", model, (target, span) -> attempt.start(target, client(target, route.retries()),
            options(route, call), span)
        .onComplete(done -> target.finished())
        .onSuccess(answer -> span.end()));
  }

  /** Embeddings along {@code route}; {@code call} as for {@link #complete}. */
  Future<Served<EmbeddingsResponse>> embed(Route route, EmbeddingRequest request, CallOptions call) {
    return run(route, "embeddings", request.getModel(), (target, span) -> client(target, route.retries()).embeddings()
        .create(Objects.equals(request.getModel(), target.model()) ? request : request.copy().setModel(target.model()),
            options(route, call))
        .onComplete(done -> target.finished())
        .onSuccess(embeddings -> span.end())
        .map(embeddings -> embeddings.setProvider(target.provider())));
  }

  /** A streamed answer along {@code route}, served once a target's first chunk arrived; {@code call} as for {@link #complete}. */
  Future<Served<TargetStream<ChatCompletionChunk>>> stream(Route route, ChatCompletionRequest request,
                                                          CallOptions call) {
    return stream(route, request.getModel(), call,
        (target, client, options, span) -> client.chat().completions().stream(forTarget(request, target), options),
        (target, span) -> chunk -> {
          chunk.setProvider(target.provider());
          span.chunk(chunk);
        });
  }

  /**
   * A streamed answer along {@code route}, each target's opened by {@code attempt} and served once its first item
   * arrived; {@code seen} gives what sees each of a target's items as it arrives. {@code call} as for {@link #complete}.
   */
  <T, S extends CancellableStream<T>> Future<Served<TargetStream<T>>> stream(Route route, String model,
                                                                             CallOptions call, Attempt<S> attempt,
                                                                             BiFunction<Target, AttemptSpan, Consumer<T>> seen) {
    Context context = vertx.getOrCreateContext();
    return run(route, "chat", model, (target, span) -> {
      Promise<TargetStream<T>> primed = Promise.promise();
      long timer = route.timeout() == null ? -1 : vertx.setTimer(route.timeout(), id -> primed.tryFail(
          new RequestTimeoutException("no first chunk within " + route.timeout() + " ms", 0, target.provider())));
      attempt.start(target, client(target, route.retries()), options(null, call), span)
          .onComplete(opened -> {
            if (opened.failed()) {
              target.finished();
              primed.tryFail(opened.cause());
              return;
            }
            Promise<Void> finished = Promise.promise();
            TargetStream<T> stream = new TargetStream<>(opened.result(), context, seen.apply(target, span), failure -> {
              target.finished();
              if (failure == null) {
                finished.tryComplete();
              } else {
                finished.tryFail(failure);
              }
            });
            primed.future().onFailure(stream::abandon)
                .onSuccess(served -> finished.future().onSuccess(ended -> span.end()).onFailure(span::fail));
            stream.first().onComplete(first -> {
              if (first.succeeded()) {
                primed.tryComplete(stream);
              } else {
                primed.tryFail(first.cause());
              }
            });
          });
      return primed.future().onComplete(done -> {
        if (timer >= 0) {
          vertx.cancelTimer(timer);
        }
      });
    });
  }

  /**
   * The client that calls {@code target}: its provider's, retrying {@code retries} times when not null; the target's
   * circuit breaker guards it ({@link Upstreams#client}).
   */
  private AsyncClient client(Target target, Integer retries) {
    return upstreams.client(target.provider(), retries);
  }

  /** {@code request} as sent to {@code target}: with its model; copied only when that changes it. */
  static ChatCompletionRequest forTarget(ChatCompletionRequest request, Target target) {
    return Objects.equals(request.getModel(), target.model()) ? request : request.copy().setModel(target.model());
  }

  /** The options of one target's call: the caller's timeout, bounded by the route's when given, cancellation and headers. */
  private static DirectCallOptions options(Route route, CallOptions call) {
    Duration timeout = call.getTimeout();
    if (route != null && route.timeout() != null) {
      Duration bound = Duration.ofMillis(route.timeout());
      timeout = timeout == null || bound.compareTo(timeout) < 0 ? bound : timeout;
    }
    DirectCallOptions options = new DirectCallOptions().setTimeout(timeout).setCancellation(call.getCancellation());
    if (call instanceof DirectCallOptions direct) {
      options.getHeaders().putAll(direct.getHeaders());
    }
    return options;
  }

  /**
   * Runs {@code attempt} at the route's targets in turn, each in an {@link AttemptSpan} that is current until the
   * attempt succeeded or failed, so that the upstream requests it makes (its retries too) are its children and carry
   * its trace upstream, even for a request that came without one (an event-bus request); the attempt ends its span
   * once it succeeded (a failed attempt's span is ended here).
   */
  private <T> Future<Served<T>> run(Route route, String operation, String model,
                                    BiFunction<Target, AttemptSpan, Future<T>> attempt) {
    Promise<Served<T>> result = Promise.promise();
    next(route, target -> AttemptSpan.start(tracer, operation, target, model), 0, attempt, new LinkedHashMap<>(),
        result);
    return result.future();
  }

  /** Tries target {@code index} of the route; {@code failures} has each earlier target's failure (null: skipped as open). */
  private <T> void next(Route route, Function<Target, AttemptSpan> spans, int index,
                        BiFunction<Target, AttemptSpan, Future<T>> attempt,
                        Map<Target, Throwable> failures, Promise<Served<T>> result) {
    if (index == route.targets().size()) {
      result.fail(failure(route, failures));
      return;
    }
    Target target = route.targets().get(index);
    if (!target.admit()) {
      metrics.skipped(target);
      failures.put(target, null);
      next(route, spans, index + 1, attempt, failures, result);
      return;
    }
    metrics.attempt(target);
    long start = System.nanoTime();
    AttemptSpan span = spans.apply(target);
    Future<T> answer;
    Scope current = span.makeCurrent();
    try {
      answer = attempt.apply(target, span);
    } catch (RuntimeException e) {
      target.finished();
      answer = Future.failedFuture(e);
    }
    answer.onComplete(done -> {
      current.close();
      if (done.succeeded()) {
        target.succeeded(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        result.complete(new Served<>(target, done.result()));
        return;
      }
      Throwable failure = done.cause();
      span.fail(failure);
      if (failure instanceof CancellationException) {
        target.failed(false);
        result.fail(failure);
        return;
      }
      boolean trips = providerSide(failure);
      target.failed(trips);
      metrics.failed(target, failure);
      boolean movesOn = trips || failure instanceof G4fException g4f && g4f.code() != null
          && route.fallbackOn().contains(g4f.code());
      if (!movesOn) {
        result.fail(failure);
        return;
      }
      failures.put(target, failure);
      if (index + 1 < route.targets().size()) {
        metrics.fellBack(target);
      }
      next(route, spans, index + 1, attempt, failures, result);
    });
  }

  /**
   * Whether {@code failure} is the provider's rather than the request's: a connection error, a timeout,
   * 429, 5xx, or another {@link ProviderException} (a malformed answer, an unexpected status, a provider
   * the client itself skips).
   */
  static boolean providerSide(Throwable failure) {
    return !(failure instanceof G4fException g4f) || g4f.retryable() || g4f.status() == 429 || g4f.status() >= 500
        || g4f instanceof ProviderException;
  }

  /** The failure of a route whose targets all failed or were skipped. */
  private Throwable failure(Route route, Map<Target, Throwable> failures) {
    if (route.targets().size() == 1 && failures.values().iterator().next() != null) {
      return failures.values().iterator().next();
    }
    boolean allOpen = failures.values().stream().allMatch(Objects::isNull);
    StringBuilder message = new StringBuilder(allOpen ? "No target of " + route.description() + " is available:"
        : "Every target of " + route.description() + " failed:");
    Instant now = options.getClock().instant();
    Instant firstProbe = null;
    for (Map.Entry<Target, Throwable> entry : failures.entrySet()) {
      Instant until = entry.getKey().openUntil();
      message.append(' ').append(entry.getKey()).append(": ").append(entry.getValue() != null
          ? entry.getValue().getMessage() : until != null ? "skipped, circuit open until " + until
          : "skipped, circuit half-open (a probe is under way)").append(';');
      if (until != null && (firstProbe == null || until.isBefore(firstProbe))) {
        firstProbe = until;
      }
    }
    message.setLength(message.length() - 1);
    Duration retryAfter = allOpen ? Duration.between(now, firstProbe == null ? now : firstProbe) : null;
    return new TargetsFailedException(message.toString(), allOpen, retryAfter);
  }

  /** A group's targets in the order its strategy tries them. */
  private List<Target> order(ModelGroup group) {
    List<Target> ordered = new ArrayList<>(group.targets().stream()
        .map(target -> target(target.provider(), target.model())).toList());
    switch (group.strategy()) {
      case FALLBACK -> { }
      case WEIGHTED -> {
        int total = 0;
        for (int i = 0; i < ordered.size(); i++) {
          total += ordered.get(i).available() ? group.targets().get(i).weight() : 0;
        }
        int pick = total == 0 ? 0 : options.getRandom().nextInt(total);
        for (int i = 0; i < ordered.size(); i++) {
          int weight = ordered.get(i).available() ? group.targets().get(i).weight() : 0;
          if (pick < weight) {
            ordered.add(0, ordered.remove(i));
            break;
          }
          pick -= weight;
        }
      }
      case LEAST_BUSY -> ordered.sort(Comparator.comparingInt(Target::inFlight));
      case LATENCY -> ordered.sort(Comparator.comparingDouble(Target::latency));
    }
    return ordered;
  }

  /** The target of {@code provider} (a configured name) and {@code model}, kept while fewer than {@link #MAX_TARGETS} are. */
  private Target target(String provider, String model) {
    synchronized (targets) {
      Target target = targets.get(Target.key(provider, model));
      if (target == null) {
        target = new Target(provider, model, options.getClock(), options.getBreakerFailureThreshold(),
            options.getBreakerCoolDown());
        if (targets.size() < MAX_TARGETS) {
          targets.put(Target.key(provider, model), target);
          metrics.target(target);
        }
      }
      return target;
    }
  }

  /**
   * The providers a request names: those named outside its body ({@code outside}: route path or header,
   * separated by commas or spaces), else its body's {@code "provider"} (a name or a list), which is
   * removed from the body either way; empty when none.
   *
   * @throws InvalidRequestException when the body's {@code provider} is neither a name nor a list of names
   */
  static List<String> named(String outside, Extensible<?> request) {
    Object inBody = request.getExtra().remove("provider");
    return outside != null ? split(outside) : names(inBody);
  }

  private static List<String> split(String names) {
    return Arrays.stream(names.trim().split("[\\s,]+")).filter(name -> !name.isEmpty()).toList();
  }

  private static List<String> names(Object inBody) {
    if (inBody == null) {
      return List.of();
    }
    if (inBody instanceof String name) {
      return split(name);
    }
    if (inBody instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw InvalidRequestException.forParam("provider must be a provider name or a list of them", null, "provider");
  }

  /**
   * {@code /v1/models}: each model a provider lists, once (owned by the first that lists it), and each model group;
   * each says whether it makes {@code embeddings} (a group: when one of its targets does).
   */
  JsonArray models() {
    Map<String, JsonObject> models = new LinkedHashMap<>();
    options.getProviders().forEach(provider -> provider.models().forEach(id -> models.putIfAbsent(id,
        new JsonObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", provider.name())
            .put("embeddings", embeds(provider.name(), id)))));
    options.getModelGroups().forEach(group -> models.put(group.name(), group(group)
        .put("embeddings", group.targets().stream().anyMatch(target -> embeds(target.provider(), target.model())))));
    return new JsonArray(new ArrayList<>(models.values()));
  }

  /** Whether the configured provider {@code name} makes embeddings with {@code model} ({@link Provider#embeds}). */
  private boolean embeds(String name, String model) {
    Provider type = type(name);
    return type != null && model != null && type.embeds(model);
  }

  /** Whether {@code target}'s provider has {@code capability} ({@link Capability#MESSAGES}, say). */
  boolean can(Target target, Capability capability) {
    Provider type = type(target.provider());
    return type != null && type.capabilities().contains(capability);
  }

  /** The registry's provider that the configured provider {@code name} is of, or null. */
  private Provider type(String name) {
    GatewayOptions.ProviderConfig provider = options.provider(name);
    if (provider == null) {
      return null;
    }
    return provider.type(options.getProviderRegistry());
  }

  /** {@code /v1/models/{id}}: the group or model {@code id}, or null when there is neither. */
  JsonObject model(String id) {
    return models().stream().map(JsonObject.class::cast).filter(model -> model.getString("id").equals(id))
        .findFirst().orElse(null);
  }

  private static JsonObject group(ModelGroup group) {
    JsonArray targets = new JsonArray();
    group.targets().forEach(target -> targets.add(new JsonObject().put("provider", target.provider())
        .put("model", target.model()).put("weight", target.weight())));
    return new JsonObject().put("id", group.name()).put("object", "model").put("created", 0).put("owned_by", "gateway")
        .put("strategy", group.strategy().configName()).put("targets", targets);
  }

  /**
   * The configured providers that may take a request: those with no kept target yet, or with a kept target whose
   * circuit is not open; empty when every provider's circuits are open.
   */
  List<String> availableProviders() {
    List<Target> known;
    synchronized (targets) {
      known = List.copyOf(targets.values());
    }
    return options.getProviders().stream().map(GatewayOptions.ProviderConfig::name).filter(name -> {
      List<Target> own = known.stream().filter(target -> target.provider().equals(name)).toList();
      return own.isEmpty() || own.stream().anyMatch(target -> target.state() != Target.State.OPEN);
    }).toList();
  }

  /** {@code /v1/providers}: each provider, its models, whether it serves chat by default and images, and its targets' state. */
  JsonArray providers() {
    JsonArray data = new JsonArray();
    List<Target> known;
    synchronized (targets) {
      known = List.copyOf(targets.values());
    }
    for (GatewayOptions.ProviderConfig provider : options.getProviders()) {
      JsonArray states = new JsonArray();
      known.stream().filter(target -> target.provider().equals(provider.name())).forEach(target -> states.add(target.toJson()));
      data.add(new JsonObject().put("id", provider.name()).put("object", "provider")
          .put("models", new JsonArray(new ArrayList<>(provider.models())))
          .put("default", provider == options.getDefaultProvider())
          .put("images", provider == options.getImageProvider())
          .put("targets", states));
    }
    return data;
  }
}
