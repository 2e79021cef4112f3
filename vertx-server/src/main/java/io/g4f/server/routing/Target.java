package io.g4f.server.routing;

import io.g4f.server.observability.MeasuredTarget;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/**
 * One routing target, a configured provider asked for one model, and what the gateway knows of it:
 * its circuit breaker, its requests in flight and its recent latency. The breaker opens after
 * {@code threshold} consecutive provider-side failures (connection errors, timeouts, 429, 5xx); while
 * open the target is skipped without a connection attempt; once the cool-down has passed it is
 * half-open and lets one probe through, which closes it on success and opens it again on failure.
 * A client error (400, 401, 404...) neither counts nor resets. Thread-safe.
 */
public final class Target implements MeasuredTarget {

  /** A breaker state, named in {@code /v1/providers} and {@code /metrics} by {@link #label()}. */
  enum State {
    CLOSED, HALF_OPEN, OPEN;

    /** {@code closed}, {@code half-open} or {@code open}. */
    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Weight of the newest sample in the latency average. */
  private static final double LATENCY_WEIGHT = 0.3;

  private final String provider;
  private final String model;
  private final Clock clock;
  private final int threshold;
  private final long coolDown;
  private State state = State.CLOSED;
  private int failures;
  private Instant openUntil;
  private Instant probeSince;
  private int inFlight;
  private double latency = -1;

  /**
   * @param provider the configured provider's name
   * @param model the model it is asked for, or null for its default
   */
  Target(String provider, String model, Clock clock, int threshold, long coolDown) {
    this.provider = provider;
    this.model = model;
    this.clock = clock;
    this.threshold = threshold;
    this.coolDown = coolDown;
  }

  @Override
  public String provider() {
    return provider;
  }

  @Override
  public String model() {
    return model;
  }

  /** {@code provider/model}, as errors name it. */
  @Override
  public String toString() {
    return provider + "/" + (model == null ? "(default model)" : model);
  }

  /** The map key of a target. */
  static String key(String provider, String model) {
    return provider.toLowerCase(Locale.ROOT) + '\n' + model;
  }

  /**
   * Whether a request may go to this target now, starting it if so: a closed circuit admits every
   * request, an open one none until its cool-down has passed, a half-open one a single probe at a time
   * (another after a cool-down without the probe's outcome).
   */
  synchronized boolean admit() {
    Instant now = clock.instant();
    if (state == State.OPEN && !now.isBefore(openUntil)) {
      state = State.HALF_OPEN;
      probeSince = null;
    }
    boolean admitted = switch (state) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> probeSince == null || !now.isBefore(probeSince.plusMillis(coolDown));
    };
    if (admitted) {
      inFlight++;
      if (state == State.HALF_OPEN) {
        probeSince = now;
      }
    }
    return admitted;
  }

  /** Whether {@link #admit} would take a request now (without taking one). */
  synchronized boolean available() {
    return state == State.CLOSED || (state == State.OPEN ? !clock.instant().isBefore(openUntil) : probeSince == null);
  }

  /**
   * An admitted request produced its first chunk (or whole answer) {@code millis} after it was sent: the circuit
   * closes; whether it was not closed before.
   */
  synchronized boolean succeeded(long millis) {
    boolean closes = state != State.CLOSED;
    state = State.CLOSED;
    failures = 0;
    probeSince = null;
    latency = latency < 0 ? millis : LATENCY_WEIGHT * millis + (1 - LATENCY_WEIGHT) * latency;
    return closes;
  }

  /**
   * An admitted request failed before its first chunk; a provider-side failure ({@code trips}) counts
   * towards opening the circuit (a failed probe opens it at once), a client error leaves it as it is; whether the
   * circuit opened.
   */
  synchronized boolean failed(boolean trips) {
    probeSince = null;
    if (trips && (state == State.HALF_OPEN || ++failures >= threshold)) {
      state = State.OPEN;
      openUntil = clock.instant().plusMillis(coolDown);
      failures = 0;
      return true;
    }
    return false;
  }

  /** An admitted request is over (answered, failed or cancelled). */
  synchronized void finished() {
    inFlight--;
  }

  /** Requests admitted and not yet finished. */
  synchronized int inFlight() {
    return inFlight;
  }

  /** The recent time to first chunk in ms (an average weighted to the newest), or -1 before the first success. */
  synchronized double latency() {
    return latency;
  }

  /** The breaker's state now (an open circuit whose cool-down has passed reads half-open). */
  synchronized State state() {
    return state == State.OPEN && !clock.instant().isBefore(openUntil) ? State.HALF_OPEN : state;
  }

  @Override
  public int circuitState() {
    return state().ordinal();
  }

  /** When the open circuit lets a probe through, or null when not open. */
  synchronized Instant openUntil() {
    return state() == State.OPEN ? openUntil : null;
  }

  /** {@code {"model","state","open_until","latency_ms","in_flight"}} for {@code /v1/providers}. */
  synchronized JsonObject toJson() {
    Instant until = openUntil();
    return new JsonObject().put("model", model).put("state", state().label())
        .put("open_until", until == null ? null : until.toString())
        .put("latency_ms", latency < 0 ? null : Math.round(latency)).put("in_flight", inFlight);
  }
}
