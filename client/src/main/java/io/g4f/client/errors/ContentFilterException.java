package io.g4f.client.errors;

import org.jspecify.annotations.Nullable;

/**
 * The provider's content policy refused the prompt or withheld the answer (a safety filter, recitation
 * of protected text, a blocklist, personal data...). It is a rejected request, as OpenAI reports one:
 * status 400, {@link #code()} {@value #CODE}, and the provider's own reason in {@link #reason()} and in
 * the message. Not retryable: the same request is refused again. In a stream it arrives as the
 * stream's failure, after any chunks that came before the filter stopped the answer.
 */
public class ContentFilterException extends InvalidRequestException {

  private static final long serialVersionUID = 1L;

  /** The {@link #code()} of every content-filter failure, as in OpenAI's error bodies. */
  public static final String CODE = "content_filter";

  private final String reason;

  /**
   * Creates the exception.
   *
   * @param message what was refused and why, naming the provider
   * @param provider the provider that refused
   * @param reason the provider's reason, e.g. {@code SAFETY}
   */
  public ContentFilterException(String message, @Nullable String provider, String reason) {
    super(message, new ErrorDetails().status(400).provider(provider).type("invalid_request_error").code(CODE));
    this.reason = reason;
  }

  /** The provider's own reason, e.g. {@code SAFETY} or {@code PROHIBITED_CONTENT}. */
  public String reason() {
    return reason;
  }
}
