package io.g4f.server.routing;

import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;
import java.time.Duration;

/**
 * Every target of a route failed or was skipped: 502 naming each target's failure, or 503 when every
 * target was skipped because its circuit is open (then {@link #retryAfter()} is the time until the
 * first one lets a probe through). Not retryable as it is.
 */
public final class TargetsFailedException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** The {@code code} of a 502: every target failed. */
  public static final String FAILED = "all_targets_failed";
  /** The {@code code} of a 503: every target's circuit is open. */
  public static final String UNAVAILABLE = "all_targets_unavailable";

  public TargetsFailedException(String message, boolean allOpen, Duration retryAfter) {
    super(message, false, new ErrorDetails().status(allOpen ? 503 : 502)
        .type(allOpen ? "service_unavailable" : "upstream_error").code(allOpen ? UNAVAILABLE : FAILED)
        .retryAfter(retryAfter));
  }
}
