package io.g4f.client.spi;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.net.ProxyOptions;
import io.vertx.ext.web.client.WebClient;
import org.jspecify.annotations.Nullable;

/** What a {@link Provider} needs for one call: shared HTTP clients, credentials, proxy, timeouts. */
public interface ProviderContext {

  /** The client's Vert.x instance. */
  Vertx vertx();

  /** The client's pooled HTTP client, for streamed bodies read with backpressure. */
  HttpClient httpClient();

  /** A web client over the same pool, for JSON calls and downloads. */
  WebClient webClient();

  /** The API key to send, or null. */
  @Nullable String apiKey();

  /** The base URL to use instead of the provider's own, or null. */
  @Nullable String baseUrl();

  /** The proxy for this call, or null for a direct connection. */
  @Nullable ProxyOptions proxy();

  /** The connect timeout for this call, in ms. */
  long connectTimeout();

  /**
   * Headers the caller asked to send with this call (empty for none). {@link io.g4f.client.impl.HttpCalls}
   * adds them to every request after the provider's own; a provider with its own HTTP code must do the same.
   */
  MultiMap headers();

  /** The longest silence allowed from the provider, in ms; set it on calls whose body is read whole. */
  long idleTimeout();

  /** Completes when the client gives up on this call (a timeout); the provider then closes its request. */
  Future<@Nullable Void> cancellation();
}
