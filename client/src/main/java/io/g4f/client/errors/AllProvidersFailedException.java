package io.g4f.client.errors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every provider of a fallback list failed. {@link #failures()} has each provider's own error, in the
 * order they were tried; the message names them all. Not retryable as a whole.
 */
public class AllProvidersFailedException extends G4fException {

  private static final long serialVersionUID = 1L;

  private final transient Map<String, Throwable> failures;

  /** Creates the exception from each provider's failure, in the order tried. */
  public AllProvidersFailedException(Map<String, Throwable> failures) {
    super(message(failures), 0, null, false);
    this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
  }

  /** Each provider's failure, by provider name, in the order tried. */
  public Map<String, Throwable> failures() {
    return failures;
  }

  private static String message(Map<String, Throwable> failures) {
    StringBuilder message = new StringBuilder("All providers failed:");
    failures.forEach((provider, failure) -> message.append(' ').append(provider).append(": ")
        .append(failure.getMessage()).append(';'));
    message.setLength(message.length() - 1);
    return message.toString();
  }
}
