package io.g4f.client;

import io.g4f.client.impl.DefaultAsyncClient;
import io.g4f.client.spi.ProviderRegistry;
import io.vertx.core.Vertx;

/**
 * The asynchronous G4F client, calling providers from this JVM: chat completions, streamed completions and
 * images, each returning a Vert.x {@link io.vertx.core.Future} ({@link GenericAsyncClient} has the contract). Its per-call
 * settings are {@link DirectCallOptions}: besides the provider, timeout and cancellation every client takes,
 * this call's own API key, proxy and HTTP headers. Every call completes within the
 * {@linkplain ClientOptions#getTotalTimeout() total timeout} (or the call's own).
 */
public interface AsyncClient extends GenericAsyncClient<DirectCallOptions> {

  /**
   * A client with its own Vert.x instance, for programs that use no other: {@link #close()} closes the
   * client and then that Vert.x, so a {@code main} that closes it exits.
   *
   * @throws IllegalArgumentException when the options are invalid (an unparsable proxy URI, say)
   * @throws ProviderNotFoundException when a provider name is unknown
   */
  static AsyncClient create(ClientOptions options) {
    return DefaultAsyncClient.owningVertx(options, ProviderRegistry.standard());
  }

  /**
   * A client sharing {@code vertx}'s event loops; {@link #close()} closes its connections and leaves
   * {@code vertx} open.
   *
   * @throws IllegalArgumentException when the options are invalid (an unparsable proxy URI, say)
   * @throws ProviderNotFoundException when a provider name is unknown
   */
  static AsyncClient create(Vertx vertx, ClientOptions options) {
    return create(vertx, options, ProviderRegistry.standard());
  }

  /**
   * A client whose provider names are looked up in {@code registry} (for custom providers:
   * {@code ProviderRegistry.standard().register(new MyProvider())}).
   *
   * @throws IllegalArgumentException when the options are invalid
   * @throws ProviderNotFoundException when a provider name is not in the registry
   */
  static AsyncClient create(Vertx vertx, ClientOptions options, ProviderRegistry registry) {
    return new DefaultAsyncClient(vertx, options, registry);
  }
}
