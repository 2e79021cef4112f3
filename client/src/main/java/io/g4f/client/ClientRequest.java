package io.g4f.client;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Base of the request types: an OpenAI-shaped body plus settings for this call only, which override
 * the {@link ClientOptions} and never reach the wire: the provider (or fallback list), the API key,
 * the proxy, the total timeout and extra HTTP headers. Extra body fields go through
 * {@link #putExtra}. Every setting is optional; null means the client's own.
 *
 * @param <T> the concrete request type, returned by the fluent setters
 */
public abstract class ClientRequest<T extends ClientRequest<T>> extends Extensible<T> {

  @JsonIgnore
  private @Nullable String provider;
  @JsonIgnore
  private @Nullable String apiKey;
  @JsonIgnore
  private @Nullable String proxy;
  @JsonIgnore
  private @Nullable Long timeout;
  @JsonIgnore
  private Map<String, String> headers = new LinkedHashMap<>();

  /** The provider name or fallback list for this call, overriding {@link ClientOptions#setProvider}; or null. */
  public @Nullable String getProvider() {
    return provider;
  }

  /** Sets the provider (or a fallback list, {@code "Groq OpenAI"}) for this call; null for the client's. */
  @SuppressWarnings("unchecked")
  public T setProvider(@Nullable String provider) {
    this.provider = provider;
    return (T) this;
  }

  /** The API key of this call's first provider, overriding the client's; or null. */
  public @Nullable String getApiKey() {
    return apiKey;
  }

  /** Sets the API key sent to this call's first provider (never to a fallback provider); null for the client's. */
  @SuppressWarnings("unchecked")
  public T setApiKey(@Nullable String apiKey) {
    this.apiKey = apiKey;
    return (T) this;
  }

  /** A proxy URI for this call only, overriding {@link ClientOptions#setProxy}; or null. */
  public @Nullable String getProxy() {
    return proxy;
  }

  /**
   * Sets the proxy for this call: {@code http://user:pass@host:port}, {@code https://...} or
   * {@code socks5://...}; an empty string means a direct connection; null the client's proxy.
   */
  @SuppressWarnings("unchecked")
  public T setProxy(@Nullable String proxy) {
    this.proxy = proxy;
    return (T) this;
  }

  /** The total timeout of this call in ms, overriding {@link ClientOptions#getTotalTimeout()}; or null. */
  public @Nullable Long getTimeout() {
    return timeout;
  }

  /** Sets the total timeout of this call in ms (positive), retries and streaming included; null for the client's. */
  @SuppressWarnings("unchecked")
  public T setTimeout(@Nullable Long timeout) {
    if (timeout != null && timeout <= 0) {
      throw new IllegalArgumentException("timeout must be > 0");
    }
    this.timeout = timeout;
    return (T) this;
  }

  /**
   * HTTP headers sent to the provider with this call, after the provider's own (a header of the same
   * name replaces the provider's). A live, mutable view.
   */
  public Map<String, String> getHeaders() {
    return headers;
  }

  /** Adds a header sent to the provider with this call. */
  @SuppressWarnings("unchecked")
  public T putHeader(String name, String value) {
    headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return (T) this;
  }

  /** Copies the per-call settings of {@code from} into this request (used by {@code copy()}). */
  @SuppressWarnings("unchecked")
  T copyCallSettings(ClientRequest<?> from) {
    provider = from.provider;
    apiKey = from.apiKey;
    proxy = from.proxy;
    timeout = from.timeout;
    headers = new LinkedHashMap<>(from.headers);
    return (T) this;
  }
}
