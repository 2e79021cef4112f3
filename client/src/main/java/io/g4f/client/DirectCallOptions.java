package io.g4f.client;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@link CallOptions} for the in-process {@link AsyncClient}, which calls providers itself and so can also
 * send this call's own API key, proxy and HTTP headers. The event-bus client does not take these (the
 * gateway's providers, keys and proxies are the gateway's), so its type does not accept them.
 */
public class DirectCallOptions extends CallOptions {

  private @Nullable String apiKey;
  private @Nullable String proxy;
  private Map<String, String> headers = new LinkedHashMap<>();
  private boolean fallbackFollows;

  /** Options that change nothing. */
  public DirectCallOptions() {
  }

  /** A copy of {@code other}. */
  public DirectCallOptions(DirectCallOptions other) {
    super(other);
    this.apiKey = other.apiKey;
    this.proxy = other.proxy;
    this.headers = new LinkedHashMap<>(other.headers);
    this.fallbackFollows = other.fallbackFollows;
  }

  /** The API key of this call's first provider, overriding the client's; or null. */
  public @Nullable String getApiKey() {
    return apiKey;
  }

  /** Sets the API key sent to this call's first provider (never to a fallback provider); null for the client's. */
  public DirectCallOptions setApiKey(@Nullable String apiKey) {
    this.apiKey = apiKey;
    return this;
  }

  /** A proxy URI for this call only, overriding {@link ClientOptions#setProxy}; or null. */
  public @Nullable String getProxy() {
    return proxy;
  }

  /**
   * Sets the proxy for this call: {@code http://user:pass@host:port}, {@code https://...} or
   * {@code socks5://...}; an empty string means a direct connection; null the client's proxy.
   */
  public DirectCallOptions setProxy(@Nullable String proxy) {
    this.proxy = proxy;
    return this;
  }

  /**
   * HTTP headers sent to the provider with this call, after the provider's own (a header of the same name
   * replaces the provider's). A live, mutable view.
   */
  public Map<String, String> getHeaders() {
    return headers;
  }

  /** Adds a header sent to the provider with this call. */
  public DirectCallOptions putHeader(String name, String value) {
    headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** Whether the caller tries another provider of its own when this call fails; false by default. */
  public boolean isFallbackFollows() {
    return fallbackFollows;
  }

  /**
   * Says that the caller tries another provider of its own when this call fails (as a gateway's fallback group
   * does), so that, as between the providers of the client's own list, a provider that cannot be reached
   * (connection refused, unknown host, proxy unreachable) or sends no first byte within the first-byte timeout is
   * not retried: the call fails at once and the caller moves on.
   */
  public DirectCallOptions setFallbackFollows(boolean fallbackFollows) {
    this.fallbackFollows = fallbackFollows;
    return this;
  }

  @Override
  public DirectCallOptions setProvider(@Nullable String provider) {
    super.setProvider(provider);
    return this;
  }

  @Override
  public DirectCallOptions setTimeout(@Nullable Duration timeout) {
    super.setTimeout(timeout);
    return this;
  }

  @Override
  public DirectCallOptions setTimeout(long millis) {
    super.setTimeout(millis);
    return this;
  }

  @Override
  public DirectCallOptions setCancellation(@Nullable Future<?> cancellation) {
    super.setCancellation(cancellation);
    return this;
  }
}
