package io.g4f.client.errors;

import org.jspecify.annotations.Nullable;

/**
 * A typed answer could not be had: the model refused ({@link #refused()}, its refusal in {@link #raw()}), or what it
 * wrote (an answer, or a tool call's arguments) is not JSON of the type asked for ({@link #raw()} has the text, the
 * cause Jackson's error). Status 0, since the provider answered with success; not retryable as such, though asking
 * again may well give a parsable answer.
 */
public class StructuredOutputException extends G4fException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String raw;
  private final boolean refused;

  /**
   * Creates the exception.
   *
   * @param message what could not be parsed into which type
   * @param provider the provider that answered, or null
   * @param raw the model's text (the refusal, when {@code refused}), or null when it wrote nothing
   * @param refused whether the model refused rather than answered
   * @param cause the parser's failure, or null
   */
  public StructuredOutputException(String message, @Nullable String provider, @Nullable String raw, boolean refused,
                                   @Nullable Throwable cause) {
    super(message, false, new ErrorDetails().provider(provider).code(refused ? "refusal" : "invalid_structured_output")
        .cause(cause));
    this.raw = raw;
    this.refused = refused;
  }

  /** The model's text as it came: the answer or arguments that did not parse, or the refusal; null if it wrote none. */
  public @Nullable String raw() {
    return raw;
  }

  /** Whether the model refused to answer (OpenAI's {@code message.refusal}) rather than wrote something unparsable. */
  public boolean refused() {
    return refused;
  }
}
