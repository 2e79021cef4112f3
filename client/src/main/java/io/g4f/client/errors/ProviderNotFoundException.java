package io.g4f.client.errors;

/** No provider is registered under the requested name. Not retryable. */
public class ProviderNotFoundException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message should name the known providers. */
  public ProviderNotFoundException(String message) {
    super(message, 404, null, false);
  }
}
