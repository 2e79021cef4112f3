package io.g4f.server.routing;

import io.g4f.client.AsyncClient;
import io.g4f.client.CallOptions;
import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.observability.AttemptSpan;
import io.g4f.server.observability.GatewayMetrics;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Tries a {@link ModelRouter.Route}'s targets in turn, through one event loop's {@link Upstreams}, and moves on when
 * one fails before its first chunk. A target whose circuit is open is skipped without a connection attempt. A failure
 * moves on when it is {@linkplain #providerSide provider-side} (these also count towards opening the target's
 * circuit), or has a code in the group's {@code fallbackOn}; any other failure (400, 401, 404...) is the answer, and so
 * is a caller who left. When no target is left: a route of one target answers with that target's failure; otherwise
 * {@link TargetsFailedException} names each target's failure (503 when every circuit was open). After a stream's first
 * chunk nothing moves on. What a target is asked is up to the caller ({@link Attempt}); each attempt runs in an
 * {@link AttemptSpan}.
 */
public final class Attempts {

  /** An answer, the target that gave it, and the targets tried before it (skipped or failed), in order. */
  public record Served<T>(Target target, T answer, List<Target> before) {
  }

  private static final Logger LOG = LoggerFactory.getLogger("io.g4f.server.routing");

  private final Vertx vertx;
  private final GatewayOptions options;
  private final Upstreams upstreams;
  private final GatewayMetrics metrics;
  private final Tracer tracer;

  /** Attempts through {@code upstreams}, the clients of the current event loop. */
  public Attempts(Vertx vertx, GatewayOptions options, Upstreams upstreams, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.options = options;
    this.upstreams = upstreams;
    this.metrics = metrics;
    this.tracer = options.getOpenTelemetry().getTracer("io.g4f.server");
  }

  /**
   * One target's attempt at a call, asked of {@code client} (the target's own) with {@code options} (the caller's
   * timeout, bounded by the route's, cancellation and headers): a whole answer, or a stream read up to its first item.
   * It may record what it learns in {@code span}, which the attempt loop ends.
   */
  @FunctionalInterface
  public interface Attempt<T> {

    Future<T> start(Target target, AsyncClient client, DirectCallOptions options, AttemptSpan span);
  }

  /**
   * A whole answer along {@code route} for a request of {@code operation} ({@code chat}, {@code embeddings}...) that
   * asked for {@code model}, each target's asked by {@code attempt}; {@code call} carries the caller's timeout
   * (bounded by the route's) and cancellation (a caller who left closes the upstream request, and no other target is
   * tried).
   */
  public <T> Future<Served<T>> complete(ModelRouter.Route route, String operation, String model, CallOptions call, Attempt<T> attempt) {
    return run(route, operation, model, call, (target, fallbackFollows, span) -> attempt.start(target,
            client(target, route, fallbackFollows), options(route, call, fallbackFollows), span)
        .onComplete(done -> target.finished())
        .onSuccess(answer -> span.end()));
  }

  /**
   * A streamed answer along {@code route}, each target's opened by {@code attempt} (whose client hands the stream
   * over once its first item arrived, so that a target failing before it is left for the next) and served as it
   * is; {@code seen} gives what sees each of a target's items as it arrives. {@code operation}, {@code model}
   * and {@code call} as for {@link #complete}; a caller who leaves before the first item closes the upstream request,
   * whether or not it has answered yet.
   */
  public <T, S extends CancellableStream<T>> Future<Served<TargetStream<T>>> stream(ModelRouter.Route route, String operation,
                                                                             String model, CallOptions call,
                                                                             Attempt<S> attempt,
                                                                             BiFunction<Target, AttemptSpan, Consumer<T>> seen) {
    return run(route, operation, model, call, (target, fallbackFollows, span) -> {
      Promise<TargetStream<T>> primed = Promise.promise();
      long timer = route.timeout() == null ? -1 : vertx.setTimer(route.timeout(), id -> primed.tryFail(
          new RequestTimeoutException("no first chunk within " + route.timeout() + " ms", 0, target.provider())));
      attempt.start(target, client(target, route, fallbackFollows), options(null, call, fallbackFollows), span)
          .onComplete(opened -> {
            if (opened.failed()) {
              target.finished();
              primed.tryFail(opened.cause());
              return;
            }
            TargetStream<T> stream = new TargetStream<>(opened.result(), seen.apply(target, span),
                failure -> target.finished());
            primed.future().onFailure(stream::abandon)
                .onSuccess(served -> stream.finished().onSuccess(ended -> span.end()).onFailure(span::fail));
            primed.tryComplete(stream);
          });
      return primed.future().onComplete(done -> {
        if (timer >= 0) {
          vertx.cancelTimer(timer);
        }
      });
    });
  }

  /**
   * The client that calls {@code target} of {@code route}: its provider's, retrying as the route's group says; else,
   * when another target follows, not at all (the next target is tried at once, not after a backoff on this one), and
   * as the provider's client does for the last; with the group's first-byte timeout when it sets one. The target's
   * circuit breaker guards it ({@link Upstreams#client}).
   */
  private AsyncClient client(Target target, ModelRouter.Route route, boolean fallbackFollows) {
    return upstreams.client(target.provider(), route.retries() != null ? route.retries()
        : fallbackFollows ? Integer.valueOf(0) : null, route.firstByteTimeout());
  }

  /** One target's attempt, told whether another target of the route follows it. */
  @FunctionalInterface
  private interface TargetAttempt<T> {

    Future<T> start(Target target, boolean fallbackFollows, AttemptSpan span);
  }

  /** {@code request} as sent to {@code target}: with its model; copied only when that changes it. */
  public static ChatCompletionRequest forTarget(ChatCompletionRequest request, Target target) {
    return Objects.equals(request.getModel(), target.model()) ? request : request.copy().setModel(target.model());
  }

  /**
   * The options of one target's call: the caller's timeout, bounded by the route's when given, cancellation and
   * headers, and whether another target follows (then a target that cannot be reached is left at once).
   */
  private static DirectCallOptions options(ModelRouter.Route route, CallOptions call, boolean fallbackFollows) {
    Duration timeout = call.getTimeout();
    if (route != null && route.timeout() != null) {
      Duration bound = Duration.ofMillis(route.timeout());
      timeout = timeout == null || bound.compareTo(timeout) < 0 ? bound : timeout;
    }
    DirectCallOptions options = new DirectCallOptions().setTimeout(timeout).setCancellation(call.getCancellation())
        .setFallbackFollows(fallbackFollows);
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
  private <T> Future<Served<T>> run(ModelRouter.Route route, String operation, String model, CallOptions call,
                                    TargetAttempt<T> attempt) {
    String requestId = call instanceof DirectCallOptions direct ? direct.getHeaders().get("x-request-id") : null;
    Promise<Served<T>> result = Promise.promise();
    next(route, target -> AttemptSpan.start(tracer, operation, target, model), 0, attempt, new LinkedHashMap<>(),
        result, requestId);
    return result.future();
  }

  /** Tries target {@code index} of the route; {@code failures} has each earlier target's failure (null: skipped as open). */
  private <T> void next(ModelRouter.Route route, Function<Target, AttemptSpan> spans, int index,
                        TargetAttempt<T> attempt, Map<Target, Throwable> failures, Promise<Served<T>> result,
                        String requestId) {
    if (index == route.targets().size()) {
      result.fail(failure(route, failures));
      return;
    }
    Target target = route.targets().get(index);
    if (!target.admit()) {
      metrics.skipped(target);
      failures.put(target, null);
      log("target_skipped", requestId, route, target, "circuit open", index);
      next(route, spans, index + 1, attempt, failures, result, requestId);
      return;
    }
    metrics.attempt(target);
    long start = System.nanoTime();
    AttemptSpan span = spans.apply(target);
    Future<T> answer;
    Scope current = span.makeCurrent();
    try {
      answer = attempt.start(target, index + 1 < route.targets().size(), span);
    } catch (RuntimeException e) {
      target.finished();
      answer = Future.failedFuture(e);
    }
    answer.onComplete(done -> {
      current.close();
      if (done.succeeded()) {
        if (target.succeeded(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))) {
          log("circuit_closed", requestId, route, target, "a request succeeded", -1);
        }
        result.complete(new Served<>(target, done.result(), List.copyOf(failures.keySet())));
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
      if (target.failed(trips)) {
        log("circuit_opened", requestId, route, target, reason(failure), -1);
      }
      metrics.failed(target, failure);
      boolean movesOn = trips || failure instanceof G4fException g4f && g4f.code() != null
          && route.fallbackOn().contains(g4f.code());
      log("attempt_failed", requestId, route, target, reason(failure), movesOn ? index : -1);
      if (!movesOn) {
        result.fail(failure);
        return;
      }
      failures.put(target, failure);
      if (index + 1 < route.targets().size()) {
        metrics.fellBack(target);
      }
      next(route, spans, index + 1, attempt, failures, result, requestId);
    });
  }

  /**
   * Logs one routing event on {@code io.g4f.server.routing} (INFO; a circuit that opens, WARN): {@code event}
   * ({@code attempt_failed}, {@code target_skipped}, {@code circuit_opened}, {@code circuit_closed}) of {@code target}
   * of {@code route} for the request {@code requestId}, why, and for a request that moves on from target
   * {@code index} (-1: it does not), the next target ({@code none} when it was the last). Key-value pairs as
   * {@code --log-format json} writes them.
   */
  private static void log(String event, String requestId, ModelRouter.Route route, Target target, String reason,
                          int index) {
    boolean warn = event.equals("circuit_opened");
    if (warn ? !LOG.isWarnEnabled() : !LOG.isInfoEnabled()) {
      return;
    }
    String next = index < 0 ? null : index + 1 < route.targets().size() ? route.targets().get(index + 1).toString()
        : "none";
    LoggingEventBuilder line = (warn ? LOG.atWarn() : LOG.atInfo()).addKeyValue("event", event)
        .addKeyValue("request_id", requestId).addKeyValue("route", route.description())
        .addKeyValue("target", target.toString()).addKeyValue("reason", reason);
    if (next != null) {
      line = line.addKeyValue("next", next);
    }
    line.log((requestId == null ? "-" : requestId) + " " + event + " " + target + " of " + route.description() + ": "
        + reason + (next == null ? "" : "; next: " + next));
  }

  /** A failure as a log line names it: its error code, else its class, and its message's first line. */
  private static String reason(Throwable failure) {
    String kind = failure instanceof G4fException g4f && g4f.code() != null ? g4f.code()
        : failure.getClass().getSimpleName();
    String message = failure.getMessage() == null ? "" : failure.getMessage().lines().findFirst().orElse("");
    return kind + (message.isEmpty() ? "" : " (" + message + ")");
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
  private Throwable failure(ModelRouter.Route route, Map<Target, Throwable> failures) {
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
}
