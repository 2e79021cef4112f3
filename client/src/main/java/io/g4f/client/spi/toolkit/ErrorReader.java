package io.g4f.client.spi.toolkit;

import io.g4f.client.errors.G4fException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * A provider's error dialect: the exception for an HTTP answer whose status is not 2xx. Given to
 * {@link io.g4f.client.spi.ProviderContext#stream} or {@link io.g4f.client.spi.ProviderContext#send} by a provider
 * whose errors {@link ProviderErrors#fromResponse} does not read (it reads OpenAI's, Google's and the common
 * variants). Called on the event loop; must not block, and should mask the API key ({@link ProviderErrors#redact}).
 */
@FunctionalInterface
public interface ErrorReader {

  /**
   * The exception for this answer.
   *
   * @param status the HTTP status (not 2xx)
   * @param headers the response headers ({@code Retry-After}, say: {@link ProviderErrors#retryAfter})
   * @param body the whole response body, or null when it could not be read
   */
  G4fException read(int status, MultiMap headers, @Nullable Buffer body);
}
